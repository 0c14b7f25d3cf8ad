//! A minimal, bounds-checked DER reader for the few private-key structures certdoctor must
//! look into (PKCS#1, PKCS#8, SEC1). It never panics on any input: every length is checked
//! against the bytes that are really there.

/// One DER element: its tag byte and its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tlv<'a> {
    /// The identifier octet (low-tag-number form only; enough for these structures).
    pub tag: u8,
    /// The content octets.
    pub content: &'a [u8],
}

/// DER tags used here.
pub mod tag {
    /// INTEGER.
    pub const INTEGER: u8 = 0x02;
    /// BIT STRING.
    pub const BIT_STRING: u8 = 0x03;
    /// OCTET STRING.
    pub const OCTET_STRING: u8 = 0x04;
    /// OBJECT IDENTIFIER.
    pub const OID: u8 = 0x06;
    /// SEQUENCE.
    pub const SEQUENCE: u8 = 0x30;
    /// [0] EXPLICIT, constructed.
    pub const CONTEXT_0: u8 = 0xa0;
    /// [1] EXPLICIT, constructed.
    pub const CONTEXT_1: u8 = 0xa1;
}

/// Reads one element from the front of `input`; returns it and the rest.
pub fn read(input: &[u8]) -> Option<(Tlv<'_>, &[u8])> {
    let (&tag, rest) = input.split_first()?;
    if tag & 0x1f == 0x1f {
        return None; // high tag numbers do not occur in these structures
    }
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (first as usize, rest)
    } else {
        let n = (first & 0x7f) as usize;
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | *b as usize);
        (len, &rest[n..])
    };
    if rest.len() < len {
        return None;
    }
    Some((
        Tlv {
            tag,
            content: &rest[..len],
        },
        &rest[len..],
    ))
}

/// Reads every element inside a SEQUENCE's content.
pub fn children(mut content: &[u8]) -> Option<Vec<Tlv<'_>>> {
    let mut out = Vec::new();
    while !content.is_empty() {
        let (tlv, rest) = read(content)?;
        out.push(tlv);
        content = rest;
    }
    Some(out)
}

/// Reads a whole input that must be exactly one SEQUENCE, returning its elements.
pub fn sequence(input: &[u8]) -> Option<Vec<Tlv<'_>>> {
    let (tlv, rest) = read(input)?;
    if tlv.tag != tag::SEQUENCE || !rest.is_empty() {
        return None;
    }
    children(tlv.content)
}

/// An unsigned INTEGER's magnitude without leading zero octets, for comparisons.
pub fn unsigned(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
    &bytes[start..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncated_and_oversized_lengths_are_rejected() {
        assert_eq!(read(&[]), None);
        assert_eq!(read(&[0x30]), None);
        assert_eq!(read(&[0x30, 0x05, 0x01]), None);
        assert_eq!(read(&[0x30, 0x89, 0, 0, 0, 0, 0, 0, 0, 0, 1]), None);
        let (tlv, rest) = read(&[0x02, 0x01, 0x05, 0xff]).unwrap();
        assert_eq!(
            (tlv.tag, tlv.content, rest),
            (tag::INTEGER, &[5u8][..], &[0xffu8][..])
        );
        assert_eq!(sequence(&[0x30, 0x03, 0x02, 0x01, 0x07]).unwrap().len(), 1);
    }
}
