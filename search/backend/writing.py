"""Writing Whoosh segments: the same files as Whoosh's own writer, with less Python per posting.

- ArchiveCodec: Whoosh's W3 codec. When a segment's postings are written, Whoosh asks for
  the field length of each posting's document (for the block's min/max length), and its
  per-document reader answers each ask with a seek and a one-byte read: 12% of a rebuild's
  time. Here a field's lengths are read in one call the first time they are asked for.
- SpillingPool: Whoosh's PostingPool, which sorts a writer's postings in memory and spills
  sorted runs to temporary files past its memory limit. Whoosh writes and reads a run one
  marshal call per posting (60% of a rebuild's time once it spilled); here a run is written
  and read in chunks of many postings per call, so a writer can take a whole rebuild.
- ParallelWriter: Whoosh's MpWriter in its multi-segment mode (documents handed in files to
  worker processes, each writing a segment of its own), with our codec and pool in the
  workers, and a commit that fails loudly if a worker did not finish (MpWriter's own drops
  a worker's segment without a word).
"""

from __future__ import annotations

import itertools
import marshal
import queue

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3Codec, W3PerDocReader, _lenfield
from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.util.numeric import byte_to_length
from whoosh.writing import PostingPool, SegmentWriter

RUN_CHUNK = 20_000  # postings per marshal call in a spilled run


class ArchiveCodec(W3Codec):
    def per_document_reader(self, storage, segment):
        return _LengthsReadOnce(storage, segment)


class _LengthsReadOnce(W3PerDocReader):
    def __init__(self, storage, segment):
        super().__init__(storage, segment)
        self._length_bytes: dict[str, bytes | None] = {}

    def _lengths(self, fieldname: str) -> bytes | None:
        if fieldname not in self._length_bytes:
            column = self._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
            data = None
            if column is not None:
                count = min(column._count, self._doccount)
                data = column._dbfile.get(column._basepos, count) if count else b""
                data += bytes(self._doccount - len(data))  # missing trailing values: 0
            self._length_bytes[fieldname] = data
        return self._length_bytes[fieldname]

    def doc_field_length(self, docnum, fieldname, default=0):
        # As W3PerDocReader.doc_field_length: None for a stored 0 byte, default when the
        # segment has no lengths for the field.
        if docnum > self._doccount:
            raise IndexError(f"Asked for docnum {docnum!r} of {self._doccount}")
        lengths = self._lengths(fieldname)
        if lengths is None:
            return default
        lbyte = lengths[docnum]
        if lbyte:
            return byte_to_length(lbyte)
        return None


class SpillingPool(PostingPool):
    def _write_run(self, f, items):
        items = iter(items)
        while chunk := list(itertools.islice(items, RUN_CHUNK)):
            marshal.dump(chunk, f, 2)
        f.close()

    def _read_run(self, path):
        f = self._open_run(path)
        try:
            while True:
                try:
                    chunk = marshal.load(f)  # noqa: S302 (our own run file)
                except EOFError:
                    return
                yield from chunk
        finally:
            f.close()
            self._remove_run(path)


def segment_writer(ix, *, limitmb: int, **kwargs) -> SegmentWriter:
    """Whoosh's SegmentWriter with ArchiveCodec and a SpillingPool."""
    writer = SegmentWriter(ix, limitmb=limitmb, codec=ArchiveCodec(), **kwargs)
    # Whoosh 2.7.4's SegmentWriter takes a poolclass argument but ignores it.
    writer.pool = SpillingPool(writer._tempstorage, writer.newsegment, limitmb=limitmb)
    return writer


class _Worker(SubWriterTask):
    """One worker process of a ParallelWriter: SubWriterTask.run in multi-segment mode,
    with our writer."""

    def run(self):
        ix = self.storage.open_index(self.indexname)
        writer = self.writer = segment_writer(ix, _lk=False, **self.kwargs)
        while self.running:
            job = self.jobqueue.get()
            if job is None:
                break
            self._process_file(*job)
        if not self.running:
            writer.cancel()
            return
        segment = writer._finalize_segment()
        self.resultqueue.put((None, writer.pool.fieldnames, segment), timeout=60)


class ParallelWriter(MpWriter):
    """Documents go to `procs` worker processes, BATCH at a time; each worker's documents
    become one segment. Deletions apply to the existing segments here, in this process."""

    BATCH = 200

    def __init__(self, ix, *, procs: int, limitmb: int):
        super().__init__(
            ix, procs=procs, batchsize=self.BATCH, multisegment=True, limitmb=limitmb,
            codec=ArchiveCodec(), subargs={"limitmb": limitmb},
        )  # fmt: skip

    def _put(self, job):
        """Put a job on the queue; MpWriter's own put waits forever on a full queue when a
        worker has died."""
        while True:
            try:
                return self._queue_put(job, timeout=1.0)
            except queue.Full:
                dead = [t.exitcode for t in self.tasks if not t.is_alive()]
                if dead:
                    raise RuntimeError(f"an index worker process died (exit codes {dead})")

    def _enqueue(self):
        self._queue_put, self.jobqueue.put = self.jobqueue.put, self._put
        try:
            super()._enqueue()
        finally:
            self.jobqueue.put = self._queue_put

    def _commit(self, mergetype, optimize, merge):
        if self.docbuffer:
            self._enqueue()
        self._queue_put = self.jobqueue.put
        for _task in self.tasks:
            self._put(None)
        segments = self._merge_segments(mergetype, optimize, merge)
        results = []
        while len(results) < len(self.tasks):
            try:
                results.append(self.resultqueue.get(timeout=1.0))
            except queue.Empty:
                if not any(t.is_alive() for t in self.tasks) and self.resultqueue.empty():
                    break
        for task in self.tasks:
            task.join()
        failed = [task.exitcode for task in self.tasks if task.exitcode != 0]
        if failed or len(results) < len(self.tasks):
            self._close_segment()
            self._finish()  # releases the lock; nothing was committed
            raise RuntimeError(f"an index worker process failed (exit codes {failed})")
        segments += [segment for _run, _names, segment in results]
        if self._added:
            segments.append(self._finalize_segment())
        else:
            self._close_segment()
        self._commit_toc(segments)
        self._finish()
