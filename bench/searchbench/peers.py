"""The peers: SQLite FTS5 with the trigram tokenizer (what a developer would pick) and tantivy (compiled),
fed the same bigram and pinyin tokens as our index."""

import re
import sqlite3
import time
from pathlib import Path

from app.search.analysis import bigrams, index_tokens, is_cjk, normalize_query, pinyin_tokens, segments
from app.search.index import FIELD_BOOSTS
from app.search.query import group_segments
from searchbench.measure import dir_size


class Fts5:
    name = "SQLite FTS5 trigram"

    def __init__(self, docs, workdir: Path):
        path = workdir / "fts.db"
        self.db = sqlite3.connect(path)
        t0, c0 = time.perf_counter(), time.process_time()
        self.db.execute(
            "CREATE VIRTUAL TABLE docs USING fts5(uid UNINDEXED, title, aliases, body, tokenize='trigram')"
        )
        with self.db:
            self.db.executemany(
                "INSERT INTO docs(rowid, uid, title, aliases, body) VALUES (?, ?, ?, ?, ?)",
                [(i + 1, d.uid, d.title, " ".join(d.aliases), d.body) for i, d in enumerate(docs)],
            )
        self.build_s = time.perf_counter() - t0
        self.build_cpu = time.process_time() - c0
        self.db.close()
        self.size = path.stat().st_size
        self.db = sqlite3.connect(path)

    @staticmethod
    def _parts(q):
        return [w for w in re.split(r"\s+", q.strip()) if w]

    def _sql(self, q, extra=""):
        words = self._parts(q)
        long_words = [w for w in words if len(w) >= 3]
        short_words = [w for w in words if len(w) < 3]
        where, params = [], []
        if long_words:
            where.append("docs MATCH ?")
            params.append(" ".join('"' + w.replace('"', '""') + '"' for w in long_words))
        for w in short_words:  # trigram MATCH cannot see 1-2 characters: LIKE fallback (full scan)
            where.append("(title LIKE ? OR aliases LIKE ? OR body LIKE ?)")
            params += [f"%{w}%"] * 3
        order = "ORDER BY bm25(docs, 0, 10, 6, 1)" if long_words else ""
        return f"SELECT uid, title FROM docs WHERE {' AND '.join(where)} {extra} {order} LIMIT 20", params

    def query(self, q):
        sql, params = self._sql(q)
        return self.db.execute(sql, params).fetchall()

    def found(self, q, uid, like=True) -> bool:
        if not like:
            expr = '"' + q.replace('"', '""') + '"'
            sql = "SELECT 1 FROM docs WHERE docs MATCH ? AND uid = ?"
            return self.db.execute(sql, (expr, uid)).fetchone() is not None
        sql, params = self._sql(q, "AND uid = ?")
        return self.db.execute(sql, [*params, uid]).fetchone() is not None

    def close(self):
        self.db.close()


class Tantivy:
    name = "tantivy (bigrams)"

    def __init__(self, docs, workdir: Path):
        import tantivy  # optional (the bench extra): only imported when the peer runs

        self.t = tantivy
        self.boosts = FIELD_BOOSTS
        sb = tantivy.SchemaBuilder()
        sb.add_text_field("uid", stored=True, tokenizer_name="raw")
        for f in FIELD_BOOSTS:
            sb.add_text_field(
                f, stored=f in ("title", "summary"), tokenizer_name="whitespace", index_option="freq"
            )
        for f in ("py", "init"):
            sb.add_text_field(f, tokenizer_name="whitespace", index_option="freq")
        self.schema = sb.build()
        path = workdir / "tantivy"
        path.mkdir()
        t0, c0 = time.perf_counter(), time.process_time()
        index = tantivy.Index(self.schema, path=str(path))
        writer = index.writer(heap_size=200_000_000, num_threads=2)
        for d in docs:
            py, init = pinyin_tokens([d.title, *d.aliases])
            writer.add_document(
                tantivy.Document(
                    uid=d.uid,
                    title=" ".join(index_tokens(d.title)),
                    aliases=" ".join(index_tokens(" ".join(d.aliases))),
                    keywords=" ".join(index_tokens(" ".join(d.keywords))),
                    summary=" ".join(index_tokens(d.summary)),
                    body=" ".join(index_tokens(d.body)),
                    py=" ".join(py),
                    init=" ".join(init),
                )
            )
        writer.commit()
        writer.wait_merging_threads()
        index.reload()
        self.build_s = time.perf_counter() - t0
        self.build_cpu = time.process_time() - c0
        self.index = index
        self.searcher = index.searcher()
        self.size = dir_size(path)

    def build(self, q):
        T, Occur = self.t.Query, self.t.Occur
        groups = []
        for group in group_segments(segments(normalize_query(q))):
            seg = group[0]
            if is_cjk(seg[0]):
                per_field = []
                for f, b in self.boosts.items():
                    if len(seg) == 1:
                        sub = T.regex_query(self.schema, f, re.escape(seg) + ".*")
                    else:
                        terms = list(dict.fromkeys(bigrams(seg)))
                        sub = T.boolean_query([(Occur.Must, T.term_query(self.schema, f, t)) for t in terms])
                    per_field.append((Occur.Should, T.boost_query(sub, b)))
                groups.append((Occur.Must, T.boolean_query(per_field)))
            else:
                key = "".join(group)
                subs = [
                    (
                        Occur.Should,
                        T.boost_query(T.regex_query(self.schema, "py", re.escape(key) + ".*"), 8.0),
                    )
                ]
                if len(key) >= 2:
                    subs.append(
                        (
                            Occur.Should,
                            T.boost_query(T.regex_query(self.schema, "init", re.escape(key) + ".*"), 2.0),
                        )
                    )
                groups.append((Occur.Must, T.boolean_query(subs)))
        return T.boolean_query(groups)

    def query(self, q):
        result = self.searcher.search(self.build(q), 20, count=True)
        return [self.searcher.doc(addr)["title"] for _score, addr in result.hits], result.count

    def found(self, q, uid) -> bool:
        Occur = self.t.Occur
        query = self.t.Query.boolean_query(
            [(Occur.Must, self.build(q)), (Occur.Must, self.t.Query.term_query(self.schema, "uid", uid))]
        )
        return self.searcher.search(query, 1, count=True).count > 0

    def close(self):
        pass
