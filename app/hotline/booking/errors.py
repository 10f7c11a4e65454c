"""Booking errors: a Chinese message, an HTTP status and optionally the form field at fault."""

from app.web.errors import DomainError


class HotlineError(DomainError):
    """A booking rule said no (409 unless a subclass says otherwise)."""

    status = 409
    default = "操作未能完成，请稍后再试。"


class BookingStateError(DomainError):
    """A transition that the booking's current status does not allow."""

    status = 409
    default = "这个预约当前的状态不允许这样修改。"


class InvalidBooking(HotlineError):
    status = 422
    default = "提交的内容需要修改。"


class SlotUnavailable(HotlineError):
    default = "这个时间已经不能预约了，请另选一个时间。"


class SlotFull(HotlineError):
    default = "这个时间刚被约满，请另选一个时间。"


class AlreadyBooked(HotlineError):
    default = "这个手机号已经有一个还没进行的预约。如需换时间，请在热线页面点“查询、改时间或取消预约”改期，或先取消原预约。"


class ReplayedForm(HotlineError):
    default = "这份预约已经提交过了，没有重复预约。"


class BookingNotFound(HotlineError):
    status = 404
    default = "没有找到对应的预约。请核对预约编号和手机号码；如有疑问，请拨打热线电话。"


class BookingLocked(HotlineError):
    default = "这个预约已经开始、结束或取消，不能再修改。如需帮助，请拨打热线电话。"


class ScheduleError(HotlineError):
    status = 422


class WaitlistNotFound(HotlineError):
    status = 404
    default = "没有找到对应的候补。请核对候补编号和手机号码；如有疑问，请拨打热线电话。"


class OfferGone(HotlineError):
    default = "这个空位的保留时间已过，已经让给下一位候补的居民。您可以重新加入候补，或选择其他时间。"
