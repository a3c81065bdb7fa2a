//! The text of one parameter value, kept without a heap allocation where
//! it can be: borrowed from the request, or written inline for integers.

/// A parameter's wire text. Compares as the text it holds,
/// whichever way it is kept.
#[derive(Clone)]
pub struct ParamText<'a>(Repr<'a>);

#[derive(Clone)]
enum Repr<'a> {
    Borrowed(&'a str),
    /// An integer's decimal digits, right-aligned in `digits`.
    Integer {
        digits: [u8; INTEGER_DIGITS],
        start: u8,
    },
    Owned(String),
}

/// Enough for `i64::MIN`: 19 digits and the sign.
const INTEGER_DIGITS: usize = 20;

impl<'a> ParamText<'a> {
    pub fn borrowed(text: &'a str) -> Self {
        ParamText(Repr::Borrowed(text))
    }

    pub fn owned(text: String) -> Self {
        ParamText(Repr::Owned(text))
    }

    /// `value` in decimal, as `Display` writes it.
    pub fn integer(value: i64) -> Self {
        let mut digits = [0u8; INTEGER_DIGITS];
        let mut start = INTEGER_DIGITS;
        let mut rest = value.unsigned_abs();
        loop {
            start -= 1;
            digits[start] = b'0' + (rest % 10) as u8;
            rest /= 10;
            if rest == 0 {
                break;
            }
        }
        if value < 0 {
            start -= 1;
            digits[start] = b'-';
        }
        ParamText(Repr::Integer {
            digits,
            start: start as u8,
        })
    }

    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Borrowed(text) => text,
            Repr::Integer { digits, start } => std::str::from_utf8(&digits[usize::from(*start)..])
                .expect("only ASCII digits and `-` are written"),
            Repr::Owned(text) => text,
        }
    }
}

impl PartialEq for ParamText<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for ParamText<'_> {}

impl std::fmt::Debug for ParamText<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_read_as_display_writes_them() {
        for value in [
            0,
            7,
            -7,
            10,
            12016,
            -100,
            i64::from(i32::MAX),
            i64::MAX,
            i64::MIN,
        ] {
            assert_eq!(ParamText::integer(value).as_str(), value.to_string());
        }
    }

    #[test]
    fn texts_compare_by_content_whatever_holds_them() {
        assert_eq!(ParamText::integer(42), ParamText::borrowed("42"));
        assert_eq!(ParamText::owned("42".into()), ParamText::integer(42));
        assert_ne!(ParamText::borrowed("42"), ParamText::borrowed("43"));
    }
}
