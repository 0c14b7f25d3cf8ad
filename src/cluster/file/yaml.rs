//! YAML dumps, document by document: a lazy reader that ends each document at the next
//! `---` line, and parser limits that scale with the file (nodes, events, bytes) while alias,
//! anchor and nesting limits stay fixed, so bombs are refused and big dumps are not.

use super::*;

/// Parser limits for `size` bytes of YAML: counts that grow with legitimate input (nodes,
/// events, scalar bytes) scale with the size; alias and anchor limits, the alias/anchor
/// ratio and the nesting depth stay fixed, so alias bombs and nesting bombs are refused.
fn yaml_options(size: u64) -> serde_saphyr::Options {
    let size = usize::try_from(size).unwrap_or(usize::MAX);
    let mut budget = serde_saphyr::Budget::default();
    budget.max_reader_input_bytes = None;
    // A node or an event takes at least one byte of text (aliases are limited apart).
    budget.max_nodes = budget.max_nodes.max(size.saturating_add(1024));
    budget.max_events = budget
        .max_events
        .max(size.saturating_mul(2).saturating_add(1024));
    budget.max_total_scalar_bytes = budget.max_total_scalar_bytes.max(size);
    budget.max_depth = MAX_DEPTH;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    options.with_snippet = false;
    options
}

/// Whether `line` is a YAML document marker (`---` alone or followed by a space).
fn is_doc_start(line: &[u8]) -> bool {
    line.starts_with(b"---") && matches!(line.get(3), None | Some(b' ' | b'\t' | b'\r' | b'\n'))
}

/// A line that carries no content: blank, a comment, a directive or a document marker.
fn is_blank(line: &[u8]) -> bool {
    let t = line.trim_ascii();
    t.is_empty() || t.starts_with(b"#") || t.starts_with(b"%") || t == b"---" || t == b"..."
}

/// The lines of one YAML document, read lazily from the shared reader: ends before the
/// next `---` line, which it leaves in `pending` for the next document.
struct DocReader<'r, R: BufRead> {
    inner: &'r mut R,
    pending: &'r mut Option<Vec<u8>>,
    buf: Vec<u8>,
    pos: usize,
    started: bool,
    done: bool,
}

impl<R: BufRead> Read for DocReader<'_, R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        while self.pos >= self.buf.len() {
            if self.done {
                return Ok(0);
            }
            self.buf.clear();
            self.pos = 0;
            if self.inner.read_until(b'\n', &mut self.buf)? == 0 {
                self.done = true;
                return Ok(0);
            }
            if is_doc_start(&self.buf) && self.started {
                *self.pending = Some(std::mem::take(&mut self.buf));
                self.done = true;
                return Ok(0);
            }
            self.started = true;
        }
        let n = out.len().min(self.buf.len() - self.pos);
        out[..n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// Streams every YAML document of `input` into the collector.
pub(super) fn read_yaml<R: BufRead>(
    mut input: R,
    size: u64,
    c: &mut Collector,
) -> Result<(), String> {
    let mut pending: Option<Vec<u8>> = None;
    loop {
        // Skip documents that hold nothing (blank lines, comments, bare markers), so an
        // empty file or a trailing `---` is no error.
        let mut head: Vec<u8> = Vec::new();
        let mut marker = false;
        let mut next = pending.take();
        loop {
            let line = match next.take() {
                Some(l) => l,
                None => {
                    let mut l = Vec::new();
                    if input
                        .read_until(b'\n', &mut l)
                        .map_err(|e| format!("cannot read: {e}"))?
                        == 0
                    {
                        return Ok(());
                    }
                    l
                }
            };
            if is_doc_start(&line) {
                if marker {
                    // The document so far was empty.
                    head.clear();
                }
                marker = true;
            }
            let blank = is_blank(&line);
            head.extend_from_slice(&line);
            if !blank {
                break;
            }
        }
        let doc = DocReader {
            inner: &mut input,
            pending: &mut pending,
            buf: head,
            pos: 0,
            started: true,
            done: false,
        };
        serde_saphyr::with_deserializer_from_reader_with_options(doc, yaml_options(size), |de| {
            DocSeed(c).deserialize(de)
        })
        .map_err(|e| format!("invalid YAML: {}", first_line(&e.to_string())))?;
        if pending.is_none() {
            return Ok(());
        }
    }
}
