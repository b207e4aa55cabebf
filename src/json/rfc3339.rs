//! Just enough RFC 3339 to check `expiresAt`: parse to Unix seconds, with the offset applied.

/// Parses `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)` into seconds since the Unix epoch.
pub fn parse(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() < 20 {
        return None;
    }
    let num = |range: std::ops::Range<usize>| -> Option<i64> {
        let s = text.get(range)?;
        s.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| s.parse().ok())?
    };
    let at = |i: usize| b.get(i).copied();
    let sep_ok = at(4) == Some(b'-')
        && at(7) == Some(b'-')
        && matches!(at(10), Some(b'T' | b't'))
        && at(13) == Some(b':')
        && at(16) == Some(b':');
    if !sep_ok {
        return None;
    }
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let mut rest = &text[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        rest = &frac[digits..];
    }
    let offset = match rest {
        "Z" | "z" => 0,
        _ if rest.len() == 6
            && matches!(rest.as_bytes().first(), Some(b'+' | b'-'))
            && rest.as_bytes().get(3) == Some(&b':')
            // Digits only: `i64::from_str` would also take "+1" or "-1" for the hours.
            && [1, 2, 4, 5].iter().all(|&i| rest.as_bytes().get(i).is_some_and(u8::is_ascii_digit)) =>
        {
            let hours: i64 = rest[1..3].parse().ok()?;
            let minutes: i64 = rest[4..6].parse().ok()?;
            if hours > 23 || minutes > 59 {
                return None;
            }
            let sign = if rest.starts_with('-') { -1 } else { 1 };
            sign * (hours * 3600 + minutes * 60)
        }
        _ => return None,
    };
    Some(days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offset)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_utc_offsets_and_fractions() {
        assert_eq!(parse("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse("2023-02-26T17:32:28Z"), Some(1_677_432_748));
        assert_eq!(parse("2023-02-26T18:32:28+01:00"), Some(1_677_432_748));
        assert_eq!(parse("2023-02-26T17:32:28.123456z"), Some(1_677_432_748));
        assert_eq!(parse("2000-03-01T00:00:00Z"), Some(951_868_800));
    }

    #[test]
    fn rejects_what_is_not_rfc3339() {
        for bad in [
            "2023-02-26 17:32:28Z",
            "2023-02-26T17:32:28",
            "2023-13-01T00:00:00Z",
            "2023-02-26T17:32:28+0100",
            "tomorrow",
            "2023-02-26T17:32:28.Z",
            "2023-02-26T17:32:28+-1:00",
            "2023-02-26T17:32:28++1:00",
            "2023-02-26T17:32:28+01:-1",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }
}
