//! Time parsing and the short, kubectl-style durations certdoctor prints (`63d`, `5h`, `3m`).
//!
//! Every function takes "now" as an argument: the clock is read once in `main` (or fixed by
//! the `CERTDOCTOR_NOW` test seam), so the same input always renders the same output.

use jiff::{SignedDuration, Timestamp};

/// Parses an RFC 3339 timestamp as Kubernetes writes it; `None` for anything else.
pub fn parse(s: &str) -> Option<Timestamp> {
    s.parse::<Timestamp>().ok()
}

/// Formats a timestamp as RFC 3339 UTC with second precision (`2026-11-23T12:00:00Z`).
pub fn rfc3339(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// A duration in kubectl's compact form: `45s`, `12m`, `5h`, `3d`, `2y` (largest unit,
/// with a second unit in the short ranges, e.g. `2d5h`, as kubectl's `HumanDuration`).
pub fn short(d: SignedDuration) -> String {
    let secs = d.as_secs().unsigned_abs();
    let (m, h, day) = (60u64, 3600u64, 86_400u64);
    if secs < 2 * m {
        format!("{secs}s")
    } else if secs < 10 * m {
        let s = secs % m;
        if s == 0 {
            format!("{}m", secs / m)
        } else {
            format!("{}m{}s", secs / m, s)
        }
    } else if secs < 3 * h {
        format!("{}m", secs / m)
    } else if secs < 8 * h {
        let mm = (secs % h) / m;
        if mm == 0 {
            format!("{}h", secs / h)
        } else {
            format!("{}h{}m", secs / h, mm)
        }
    } else if secs < 2 * day {
        format!("{}h", secs / h)
    } else if secs < 8 * day {
        let hh = (secs % day) / h;
        if hh == 0 {
            format!("{}d", secs / day)
        } else {
            format!("{}d{}h", secs / day, hh)
        }
    } else if secs < 2 * 365 * day {
        format!("{}d", secs / day)
    } else {
        format!("{}y", secs / (365 * day))
    }
}

/// Age of something that happened at `t`: `3m`, or `in 5h` when `t` is in the future.
pub fn age(t: Timestamp, now: Timestamp) -> String {
    let d = now.duration_since(t);
    if d.is_negative() {
        format!("in {}", short(d))
    } else {
        short(d)
    }
}

/// Relative time of a future-or-past instant: `in 63d` or `2d ago`.
pub fn relative(t: Timestamp, now: Timestamp) -> String {
    let d = t.duration_since(now);
    if d.is_negative() {
        format!("{} ago", short(d))
    } else {
        format!("in {}", short(d))
    }
}

/// The expiry column: `in 63d`, or `EXPIRED 2d ago` once past.
pub fn expires(not_after: Timestamp, now: Timestamp) -> String {
    if not_after <= now {
        format!("EXPIRED {} ago", short(now.duration_since(not_after)))
    } else {
        format!("in {}", short(not_after.duration_since(now)))
    }
}

/// cert-manager's retry delay after `failed` consecutive failed issuances:
/// 1h · 2^(failed−1), capped at 32h (cert-manager `pkg/controller/certificates/trigger`).
pub fn backoff(failed: i64) -> SignedDuration {
    let exp = (failed.max(1) - 1).min(5) as u32;
    SignedDuration::from_hours(2i64.pow(exp))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        parse(s).unwrap()
    }

    #[test]
    fn short_durations_read_like_kubectl() {
        let cases = [
            (30, "30s"),
            (150, "2m30s"),
            (45 * 60, "45m"),
            (5 * 3600, "5h"),
            (30 * 3600, "30h"),
            (3 * 86_400 + 3600, "3d1h"),
            (63 * 86_400 + 5, "63d"),
            (800 * 86_400, "2y"),
        ];
        for (secs, want) in cases {
            assert_eq!(short(SignedDuration::from_secs(secs)), want, "{secs}");
        }
    }

    #[test]
    fn expiry_column_says_expired_in_the_past() {
        let now = ts("2026-11-23T12:00:00Z");
        assert_eq!(expires(ts("2027-01-25T12:00:00Z"), now), "in 63d");
        assert_eq!(expires(ts("2026-11-21T12:00:00Z"), now), "EXPIRED 2d ago");
        assert_eq!(relative(ts("2026-11-23T07:00:00Z"), now), "5h ago");
    }

    #[test]
    fn backoff_doubles_and_caps_at_32_hours() {
        assert_eq!(backoff(1).as_hours(), 1);
        assert_eq!(backoff(3).as_hours(), 4);
        assert_eq!(backoff(6).as_hours(), 32);
        assert_eq!(backoff(40).as_hours(), 32);
    }

    #[test]
    fn timestamps_print_as_utc_seconds() {
        assert_eq!(
            rfc3339(ts("2026-11-23T13:00:00.123+01:00")),
            "2026-11-23T12:00:00Z"
        );
    }
}
