//! Text output of `inspect`: per input, the Secret's facts, every certificate, the private
//! key's type and match (never its bytes), then the findings.

use std::io::{self, Write};

use super::{Paint, findings};
use crate::pki::{InspectedCert, Inspection};
use crate::sanitize::clean;
use crate::timefmt::rfc3339;

fn list(v: &[String]) -> String {
    if v.is_empty() {
        "-".into()
    } else {
        v.iter().map(|s| clean(s)).collect::<Vec<_>>().join(", ")
    }
}

fn certificate(out: &mut dyn Write, title: &str, at: &InspectedCert, p: Paint) -> io::Result<()> {
    let c = &at.facts;
    writeln!(out, "{}", p.bold(title))?;
    let out = &mut Indent(out);
    writeln!(out, "  Subject:       {}", clean(&c.subject))?;
    writeln!(out, "  Issuer:        {}", clean(&c.issuer))?;
    writeln!(out, "  Serial:        {}", c.serial)?;
    let left = if at.expired() {
        p.red(&at.time_left_words())
    } else {
        at.time_left_words()
    };
    writeln!(
        out,
        "  Validity:      {} → {}  ({left}, {}% of lifetime used)",
        rfc3339(c.not_before),
        rfc3339(c.not_after),
        at.lifetime_used_percent()
    )?;
    let mut sans: Vec<String> = c
        .dns_names
        .iter()
        .map(|s| format!("DNS:{}", clean(s)))
        .collect();
    sans.extend(c.ip_addresses.iter().map(|s| format!("IP:{s}")));
    sans.extend(c.uris.iter().map(|s| format!("URI:{}", clean(s))));
    sans.extend(c.emails.iter().map(|s| format!("email:{}", clean(s))));
    writeln!(out, "  SANs:          {}", list(&sans))?;
    writeln!(out, "  Public key:    {}", c.key_algorithm)?;
    writeln!(out, "  Signature:     {}", c.signature_algorithm)?;
    writeln!(out, "  Key usage:     {}", list(&c.key_usage))?;
    writeln!(out, "  Ext key usage: {}", list(&c.extended_key_usage))?;
    let ca = match (c.is_ca, c.path_len) {
        (true, Some(n)) => format!("CA, path length {n}"),
        (true, None) => "CA".into(),
        (false, _) => "not a CA".into(),
    };
    writeln!(out, "  Constraints:   {ca}")?;
    writeln!(
        out,
        "  Subject key:   {}",
        c.subject_key_id.as_deref().unwrap_or("-")
    )?;
    writeln!(
        out,
        "  Authority key: {}",
        c.authority_key_id.as_deref().unwrap_or("-")
    )?;
    writeln!(out, "  SHA-256:       {}", c.sha256_fingerprint)?;
    if !c.crl_distribution_points.is_empty() {
        writeln!(out, "  CRL:           {}", list(&c.crl_distribution_points))?;
    }
    if !c.ocsp_urls.is_empty() {
        writeln!(out, "  OCSP:          {}", list(&c.ocsp_urls))?;
    }
    if !c.ca_issuer_urls.is_empty() {
        writeln!(out, "  CA issuers:    {}", list(&c.ca_issuer_urls))?;
    }
    Ok(())
}

/// Indents every line written through it by two more spaces.
struct Indent<'a>(&'a mut dyn Write);

impl Write for Indent<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        // Lines arrive whole from writeln!, starting with two spaces already.
        if buf.starts_with(b"  ") {
            self.0.write_all(b"  ")?;
        }
        self.0.write_all(buf)?;
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

/// Writes every inspected input.
pub fn text(out: &mut dyn Write, inputs: &[Inspection], p: Paint) -> io::Result<()> {
    for (n, i) in inputs.iter().enumerate() {
        if n > 0 {
            writeln!(out)?;
        }
        writeln!(out, "{}", p.bold(&clean(&i.source)))?;
        if let Some(s) = &i.secret {
            writeln!(out, "  Type:          {}", clean(&s.type_))?;
            let keys: Vec<String> = s
                .keys
                .iter()
                .map(|(k, n)| format!("{} ({n} bytes)", clean(k)))
                .collect();
            let mut keys = keys;
            keys.extend(
                s.removed_by_dump
                    .iter()
                    .map(|k| format!("{} (removed by dump)", clean(k))),
            );
            writeln!(out, "  Data keys:     {}", list(&keys))?;
            writeln!(
                out,
                "  Owned by:      {}",
                if s.owners.is_empty() {
                    "no Certificate".into()
                } else {
                    format!("Certificate {}", list(&s.owners))
                }
            )?;
            for (k, v) in &s.annotations {
                writeln!(out, "  {}={}", clean(k), clean(v))?;
            }
        }
        match &i.private_key {
            Some(k) => {
                let m = match k.matches_leaf {
                    Some(true) => p.green("matches the leaf"),
                    Some(false) => p.red("does NOT match the leaf"),
                    None => "match unknown".into(),
                };
                writeln!(
                    out,
                    "  Private key:   present, {} ({}), {m}",
                    k.algorithm, k.encoding
                )?;
            }
            None if i.secret.is_some() => writeln!(out, "  Private key:   -")?,
            None => {}
        }
        let total = i.certificates.len();
        for (n, c) in i.certificates.iter().enumerate() {
            let role = if n == 0 {
                "leaf"
            } else if c.facts.is_ca {
                "CA"
            } else {
                "chain"
            };
            writeln!(out)?;
            certificate(
                out,
                &format!("  Certificate {}/{total} ({role})", n + 1),
                c,
                p,
            )?;
        }
        for (n, c) in i.ca_certificates.iter().enumerate() {
            writeln!(out)?;
            certificate(out, &format!("  ca.crt certificate {}", n + 1), c, p)?;
        }
        writeln!(out)?;
        if i.findings.is_empty() {
            writeln!(out, "{} no problems found", p.green("✓"))?;
        } else {
            for f in &i.findings {
                findings::finding(out, f, 0, p)?;
            }
        }
    }
    Ok(())
}
