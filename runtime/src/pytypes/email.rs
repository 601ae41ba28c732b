//! pydantic's `EmailStr` and `NameEmail` (feature `email`). pydantic checks an address with the
//! `email-validator` package (2.x, `check_deliverability=False`, its other options at their
//! defaults) and keeps the normalised address; this module makes the same decisions, written
//! from that behaviour (measured in tests/types/test_scalars_differential.py):
//!
//! - pydantic's own steps: at most 2048 characters, no CR or LF, an optional display name
//!   (`Name <addr>`, `"Any name" <addr>`, `<addr>`) read as its regular expression reads it,
//!   then the address stripped of Python's whitespace;
//! - the local part: a dot-atom of RFC 5322's `atext`, or of `atext` and any non-ASCII
//!   character (letters, marks not first, numbers, punctuation, symbols); NFC-normalised (and
//!   checked again); RFC 2142's role names (`Postmaster`, ...) lower-cased; quoted local parts
//!   refused, as is a display name left inside the address;
//! - the domain: LDH labels or Unicode, mapped by UTS #46 (lower case, NFC, full-width dots),
//!   IDNA 2008 per label (RFC 5891/5892/5893: code point classes, joiners, contextual rules, the
//!   Bidi Rule), at most 253 octets in ASCII and 63 a label, a dot, a TLD ending in a letter,
//!   special-use names (`localhost`, `.local`, `.test`, ...) and `[...]` literals refused; a
//!   domain with Punycode labels is written in Unicode;
//! - the whole address at most 254 UTF-8 bytes as given, as normalised, and with the domain in
//!   ASCII.
//!
//! Unicode properties come from ICU4X (Unicode 17); Python 3.11's `unicodedata` is Unicode 14,
//! so characters assigned since then are read differently (the README's known differences).
use std::borrow::Cow;

use icu_normalizer::uts46::Uts46MapperBorrowed;
use icu_normalizer::{ComposingNormalizerBorrowed, DecomposingNormalizerBorrowed};
use icu_properties::props::{
    BidiClass, CanonicalCombiningClass, ChangesWhenNfkcCasefolded, DefaultIgnorableCodePoint,
    GeneralCategory, HangulSyllableType, JoinControl, JoiningType, NoncharacterCodePoint, Script,
    WhiteSpace,
};
use icu_properties::{CodePointMapData, CodePointSetData};
use pyo3::prelude::*;
use pyo3::types::PyString;

/// pydantic's limit on the text given, in characters.
const MAX_INPUT_CHARS: usize = 2048;
const MAX_ADDRESS_BYTES: usize = 254;
const MAX_DOMAIN_OCTETS: usize = 253;
const MAX_LABEL_OCTETS: usize = 63;
/// Mailbox names RFC 2142 makes case-insensitive: written in lower case.
const ROLE_MAILBOXES: [&str; 15] = [
    "info",
    "marketing",
    "sales",
    "support",
    "abuse",
    "noc",
    "security",
    "postmaster",
    "hostmaster",
    "usenet",
    "news",
    "webmaster",
    "www",
    "uucp",
    "ftp",
];
/// Reserved names no deliverable address is under (the name itself or any subdomain).
const SPECIAL_USE: [&str; 6] = ["arpa", "invalid", "local", "localhost", "onion", "test"];

type Checked<T> = Result<T, String>;

fn refuse<T>(reason: &str) -> Checked<T> {
    Err(format!("value is not a valid email address: {reason}"))
}

fn category(c: char) -> GeneralCategory {
    CodePointMapData::<GeneralCategory>::new().get(c)
}

/// The first letter of the character's general category: `L`, `M`, `N`, `P`, `S`, `Z` or `C`.
fn major(c: char) -> char {
    use GeneralCategory as G;
    match category(c) {
        G::UppercaseLetter
        | G::LowercaseLetter
        | G::TitlecaseLetter
        | G::ModifierLetter
        | G::OtherLetter => 'L',
        G::NonspacingMark | G::SpacingMark | G::EnclosingMark => 'M',
        G::DecimalNumber | G::LetterNumber | G::OtherNumber => 'N',
        G::ConnectorPunctuation
        | G::DashPunctuation
        | G::OpenPunctuation
        | G::ClosePunctuation
        | G::InitialPunctuation
        | G::FinalPunctuation
        | G::OtherPunctuation => 'P',
        G::MathSymbol | G::CurrencySymbol | G::ModifierSymbol | G::OtherSymbol => 'S',
        G::SpaceSeparator | G::LineSeparator | G::ParagraphSeparator => 'Z',
        _ => 'C',
    }
}

/// Python's `str.isspace()` (and `\s` in a `str` pattern): Unicode 14's whitespace, which
/// includes the information separators U+001C..U+001F.
fn py_space(c: char) -> bool {
    matches!(
        c,
        '\t'..='\r'
            | '\u{1c}'..='\u{20}'
            | '\u{85}'
            | '\u{a0}'
            | '\u{1680}'
            | '\u{2000}'..='\u{200a}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202f}'
            | '\u{205f}'
            | '\u{3000}'
    )
}

/// Python's `\w` in a `str` pattern: `str.isalnum()` (letters and numbers) or `_`.
fn py_word(c: char) -> bool {
    c == '_' || matches!(major(c), 'L' | 'N')
}

fn py_strip(text: &str) -> &str {
    text.trim_matches(py_space)
}

fn nfc(text: &str) -> Cow<'_, str> {
    ComposingNormalizerBorrowed::new_nfc().normalize(text)
}

/// RFC 5322 `atext`: the ASCII characters a dot-atom is made of.
fn atext(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c)
}

/// A dot-atom: runs of `allowed` characters joined by single dots.
fn dot_atom(text: &str, allowed: impl Fn(char) -> bool) -> bool {
    text.split('.')
        .all(|run| !run.is_empty() && run.chars().all(&allowed))
}

/// Characters that make a string unsafe or senseless in an address: controls, format,
/// private-use, surrogate and unassigned code points, line and paragraph separators, spaces
/// (unless allowed), and a combining mark in first place.
fn check_safe(text: &str, allow_space: bool) -> Checked<()> {
    for (i, c) in text.chars().enumerate() {
        let safe = match major(c) {
            'L' | 'N' | 'P' | 'S' => true,
            'M' => i != 0,
            'Z' => allow_space && category(c) == GeneralCategory::SpaceSeparator,
            _ => false,
        };
        if !safe {
            return refuse(&format!(
                "The email address contains unsafe characters: U+{:04X}.",
                c as u32
            ));
        }
    }
    Ok(())
}

/// pydantic's display-name form, as its regular expression (full match) reads it:
/// `\s*(?:NAME|"QUOTED")?\s*<(.+)>\s*`, NAME being words of `\w` and `atext` punctuation split
/// by whitespace. The name (if any) and the text between the brackets; None when it is not
/// of that form.
fn display_form(value: &str) -> Option<(Option<&str>, &str)> {
    let chars: Vec<(usize, char)> = value.char_indices().collect();
    let last = chars.iter().rposition(|&(_, c)| !py_space(c))?;
    if chars[last].1 != '>' {
        return None;
    }
    let first = chars.iter().position(|&(_, c)| !py_space(c))?;
    let at = |i: usize| chars[i].0;
    // `<` at `open` starts the address, which has at least one character before `last`.
    let address = |open: usize| {
        (chars[open].1 == '<' && open + 1 < last).then(|| &value[at(open + 1)..at(last)])
    };
    let name_char = |c: char| py_word(c) || ".!#$%&'*+-/=?^_`{|}~".contains(c);
    match chars[first].1 {
        '<' => address(first).map(|email| (None, email)),
        '"' => (first + 2..last)
            .rev()
            .filter(|&close| chars[close].1 == '"')
            .find_map(|close| {
                let open = (close + 1..=last).find(|&i| !py_space(chars[i].1))?;
                address(open).map(|email| (Some(&value[at(first + 1)..at(close)]), email))
            }),
        c if name_char(c) => {
            let open = (first..=last).find(|&i| !name_char(chars[i].1) && !py_space(chars[i].1))?;
            let name = value[at(first)..at(open)].trim_end_matches(py_space);
            address(open).map(|email| (Some(name), email))
        }
        _ => None,
    }
}

/// Whether the character at the start of `rest` stays itself under NFC (`<` followed by
/// U+0338 becomes `≮`, and is then not a bracket).
fn stays_itself(rest: &str) -> bool {
    let window: String = rest.chars().take(32).collect();
    nfc(&window).chars().next() == rest.chars().next()
}

/// A local part's checks; its NFC form (checked again when it differs) and whether it is ASCII.
fn local_part(local: &str) -> Checked<(String, bool)> {
    let check = |text: &str| -> Checked<bool> {
        if text.is_empty() {
            return refuse("There must be something before the @-sign.");
        }
        if dot_atom(text, atext) {
            return Ok(true);
        }
        if dot_atom(text, |c| atext(c) || !c.is_ascii()) {
            check_safe(text, false)?;
            return Ok(false);
        }
        refuse("The email address contains invalid characters before the @-sign.")
    };
    let ascii = check(local)?;
    let normal = nfc(local);
    if normal == local {
        return Ok((local.to_owned(), ascii));
    }
    let ascii = check(&normal)?;
    Ok((normal.into_owned(), ascii))
}

/// A character that Python's `idna.uts46_remap` would refuse, caught first: one whose
/// decomposition holds a full stop (`⒈`, `‥`, `﹒`), other than the full-width full stop.
fn decomposes_to_dot(c: char) -> bool {
    if matches!(c, '.' | '\u{ff0e}' | '\u{fe19}' | '\u{fe30}') {
        return false;
    }
    let mut buffer = [0u8; 4];
    DecomposingNormalizerBorrowed::new_nfkd()
        .normalize(c.encode_utf8(&mut buffer))
        .contains('.')
}

/// ASCII letters, digits, `-` and `.`, and any non-ASCII character.
fn hostname_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '.' || !c.is_ascii()
}

/// A letter or digit, then letters, digits and hyphens, ending in a letter or digit.
fn ldh_label(label: &str) -> bool {
    let bytes = label.as_bytes();
    !bytes.is_empty()
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'-')
        && bytes[0] != b'-'
        && bytes[bytes.len() - 1] != b'-'
}

/// The IDNA 2008 class of a code point (RFC 5892 section 3, derived from Unicode properties).
#[derive(PartialEq)]
enum Idna {
    Pvalid,
    ContextJ,
    ContextO,
    Disallowed,
}

fn idna_class(c: char) -> Idna {
    use GeneralCategory as G;
    let cp = c as u32;
    match cp {
        0xdf | 0x3c2 | 0x6fd | 0x6fe | 0xf0b | 0x3007 => return Idna::Pvalid,
        0xb7 | 0x375 | 0x5f3 | 0x5f4 | 0x30fb | 0x660..=0x669 | 0x6f0..=0x6f9 => {
            return Idna::ContextO
        }
        0x640 | 0x7fa | 0x302e | 0x302f | 0x3031..=0x3035 | 0x303b => return Idna::Disallowed,
        _ => {}
    }
    let gc = category(c);
    if gc == G::Unassigned {
        return Idna::Disallowed;
    }
    if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' {
        return Idna::Pvalid;
    }
    if CodePointSetData::new::<JoinControl>().contains(c) {
        return Idna::ContextJ;
    }
    let ignorable = CodePointSetData::new::<ChangesWhenNfkcCasefolded>().contains(c)
        || CodePointSetData::new::<DefaultIgnorableCodePoint>().contains(c)
        || CodePointSetData::new::<WhiteSpace>().contains(c)
        || CodePointSetData::new::<NoncharacterCodePoint>().contains(c)
        || matches!(cp, 0x20d0..=0x20ff | 0x1d100..=0x1d1ff | 0x1d200..=0x1d24f)
        || matches!(
            CodePointMapData::<HangulSyllableType>::new().get(c),
            HangulSyllableType::LeadingJamo
                | HangulSyllableType::VowelJamo
                | HangulSyllableType::TrailingJamo
        );
    if ignorable {
        return Idna::Disallowed;
    }
    match gc {
        G::LowercaseLetter
        | G::UppercaseLetter
        | G::OtherLetter
        | G::DecimalNumber
        | G::ModifierLetter
        | G::NonspacingMark
        | G::SpacingMark => Idna::Pvalid,
        _ => Idna::Disallowed,
    }
}

fn virama_before(label: &[char], pos: usize) -> bool {
    pos > 0
        && CodePointMapData::<CanonicalCombiningClass>::new().get(label[pos - 1])
            == CanonicalCombiningClass::Virama
}

/// RFC 5892 appendix A.1 and A.2: ZERO WIDTH NON-JOINER and JOINER.
fn joiner_ok(label: &[char], pos: usize) -> bool {
    if virama_before(label, pos) {
        return true;
    }
    if label[pos] != '\u{200c}' {
        return false;
    }
    let joining = |c: char| CodePointMapData::<JoiningType>::new().get(c);
    let beyond_transparent = |mut chars: Box<dyn Iterator<Item = &char> + '_>| {
        chars
            .find(|&&c| joining(c) != JoiningType::Transparent)
            .map(|&c| joining(c))
    };
    let before = beyond_transparent(Box::new(label[..pos].iter().rev()));
    let after = beyond_transparent(Box::new(label[pos + 1..].iter()));
    matches!(
        before,
        Some(JoiningType::LeftJoining | JoiningType::DualJoining)
    ) && matches!(
        after,
        Some(JoiningType::RightJoining | JoiningType::DualJoining)
    )
}

/// RFC 5892 appendix A.3 to A.9: the characters allowed only in some company.
fn context_ok(label: &[char], pos: usize) -> bool {
    let script = |c: char| CodePointMapData::<Script>::new().get(c);
    let c = label[pos];
    match c as u32 {
        0xb7 => pos > 0 && pos + 1 < label.len() && label[pos - 1] == 'l' && label[pos + 1] == 'l',
        0x375 => pos + 1 < label.len() && script(label[pos + 1]) == Script::Greek,
        0x5f3 | 0x5f4 => pos > 0 && script(label[pos - 1]) == Script::Hebrew,
        0x30fb => label.iter().any(|&other| {
            other != '\u{30fb}'
                && matches!(
                    script(other),
                    Script::Hiragana | Script::Katakana | Script::Han
                )
        }),
        0x660..=0x669 => !label.iter().any(|&d| ('\u{6f0}'..='\u{6f9}').contains(&d)),
        0x6f0..=0x6f9 => !label.iter().any(|&d| ('\u{660}'..='\u{669}').contains(&d)),
        _ => false,
    }
}

/// RFC 5893's Bidi Rule for one label; by default only for a label holding right-to-left
/// characters, with `every_label` for any label of a domain that holds one.
fn bidi_ok(label: &[char], every_label: bool) -> bool {
    use BidiClass as B;
    let class = |c: char| CodePointMapData::<BidiClass>::new().get(c);
    let rtl_char = |b: BidiClass| matches!(b, B::RightToLeft | B::ArabicLetter | B::ArabicNumber);
    if !every_label && !label.iter().any(|&c| rtl_char(class(c))) {
        return true;
    }
    let rtl = match label.first().map(|&c| class(c)) {
        Some(B::RightToLeft | B::ArabicLetter) => true,
        Some(B::LeftToRight) => false,
        _ => return false,
    };
    let mut ends_well = false;
    let mut numbers: Option<BidiClass> = None;
    for &c in label {
        let b = class(c);
        let common = matches!(
            b,
            B::EuropeanNumber
                | B::EuropeanSeparator
                | B::CommonSeparator
                | B::EuropeanTerminator
                | B::OtherNeutral
                | B::BoundaryNeutral
                | B::NonspacingMark
        );
        if rtl {
            if !(common || matches!(b, B::RightToLeft | B::ArabicLetter | B::ArabicNumber)) {
                return false;
            }
            if matches!(b, B::ArabicNumber | B::EuropeanNumber) {
                if numbers.is_some_and(|kind| kind != b) {
                    return false;
                }
                numbers = Some(b);
            }
            if matches!(
                b,
                B::RightToLeft | B::ArabicLetter | B::EuropeanNumber | B::ArabicNumber
            ) {
                ends_well = true;
            } else if b != B::NonspacingMark {
                ends_well = false;
            }
        } else {
            if !(common || b == B::LeftToRight) {
                return false;
            }
            if matches!(b, B::LeftToRight | B::EuropeanNumber) {
                ends_well = true;
            } else if b != B::NonspacingMark {
                ends_well = false;
            }
        }
    }
    ends_well
}

/// IDNA 2008's checks of a Unicode label (RFC 5891 section 5.4).
fn check_label(label: &str) -> Checked<()> {
    let invalid = || refuse("The part after the @-sign is not valid IDNA.");
    if label.is_empty() {
        return invalid();
    }
    if ldh_label(label) && label.get(2..4) != Some("--") && label.len() <= MAX_LABEL_OCTETS {
        return Ok(());
    }
    let chars: Vec<char> = label.chars().collect();
    if chars.len() > MAX_DOMAIN_OCTETS + 1
        || nfc(label) != label
        || chars.get(2..4) == Some(&['-', '-'][..])
        || label.starts_with('-')
        || label.ends_with('-')
        || major(chars[0]) == 'M'
    {
        return invalid();
    }
    for pos in 0..chars.len() {
        let ok = match idna_class(chars[pos]) {
            Idna::Pvalid => true,
            Idna::ContextJ => joiner_ok(&chars, pos),
            Idna::ContextO => context_ok(&chars, pos),
            Idna::Disallowed => false,
        };
        if !ok {
            return invalid();
        }
    }
    if !bidi_ok(&chars, false) {
        return invalid();
    }
    Ok(())
}

/// An A-label's Unicode form, checked (Python's `idna.ulabel` of an ASCII label).
fn ulabel(label: &str) -> Checked<String> {
    let label = label.to_ascii_lowercase();
    let Some(code) = label.strip_prefix("xn--") else {
        check_label(&label)?;
        return Ok(label);
    };
    let invalid = || refuse("The part after the @-sign is not valid IDNA.");
    if code.is_empty() || code.ends_with('-') {
        return invalid();
    }
    let Some(unicode) = idna::punycode::decode_to_string(code) else {
        return invalid();
    };
    if idna::punycode::encode_str(&unicode).as_deref() != Some(code) {
        return invalid(); // not the canonical spelling of its Unicode form
    }
    check_label(&unicode)?;
    Ok(unicode)
}

/// A label's A-label (Python's `idna.alabel`).
fn alabel(label: &str) -> Checked<String> {
    let ascii = if label.is_ascii() {
        ulabel(label)?;
        label.to_owned()
    } else {
        check_label(label)?;
        match idna::punycode::encode_str(label) {
            Some(code) => format!("xn--{code}"),
            None => return refuse("The part after the @-sign is not valid IDNA."),
        }
    };
    if ascii.len() > MAX_LABEL_OCTETS {
        return refuse("The part after the @-sign is not valid IDNA (label too long).");
    }
    Ok(ascii)
}

/// The domain's checks: its normalised form (Unicode where it has Punycode labels) and its
/// ASCII form.
fn domain_part(domain: &str) -> Checked<(String, String)> {
    if domain.chars().count() > MAX_DOMAIN_OCTETS {
        return refuse("The email address is too long after the @-sign.");
    }
    if !domain.chars().all(hostname_char) {
        return refuse("The part after the @-sign contains invalid characters.");
    }
    check_safe(domain, false)?;
    if domain.chars().any(decomposes_to_dot) {
        return refuse("The part after the @-sign contains invalid characters.");
    }
    let mapped: String = if domain.is_ascii() {
        domain.to_ascii_lowercase()
    } else {
        Uts46MapperBorrowed::new()
            .map_normalize(domain.chars())
            .collect()
    };
    if mapped.contains('\u{fffd}') {
        return refuse("The part after the @-sign contains invalid characters.");
    }
    if !mapped.chars().all(hostname_char) {
        return refuse(
            "The part after the @-sign contains invalid characters after Unicode normalization.",
        );
    }
    if mapped.starts_with(['.', '-'])
        || mapped.ends_with(['.', '-'])
        || mapped.contains("..")
        || mapped.contains(".-")
        || mapped.contains("-.")
    {
        return refuse("An email address cannot have a period or a hyphen there.");
    }
    for label in mapped.split('.') {
        let mut chars = label.chars();
        let head: String = chars.by_ref().take(2).collect();
        if head.chars().count() == 2
            && chars.as_str().starts_with("--")
            && !head.eq_ignore_ascii_case("xn")
        {
            return refuse(
                "An email address cannot have two letters followed by two dashes, except Punycode.",
            );
        }
    }
    let ascii = if mapped.split('.').all(ldh_label) {
        mapped
    } else {
        let labels: Checked<Vec<String>> = mapped.split('.').map(alabel).collect();
        let ascii = labels?.join(".");
        if !ascii.split('.').all(ldh_label) {
            return refuse("The email address contains invalid characters after the @-sign after IDNA encoding.");
        }
        ascii
    };
    if ascii.len() > MAX_DOMAIN_OCTETS {
        return refuse("The email address is too long after the @-sign.");
    }
    if ascii.split('.').any(|label| label.len() > MAX_LABEL_OCTETS) {
        return refuse("After the @-sign, periods cannot be separated by so many characters.");
    }
    if !ascii.contains('.') {
        return refuse("The part after the @-sign is not valid. It should have a period.");
    }
    if !ascii.ends_with(|c: char| c.is_ascii_alphabetic()) {
        return refuse(
            "The part after the @-sign is not valid. It is not within a valid top-level domain.",
        );
    }
    for name in SPECIAL_USE {
        if ascii == name
            || ascii
                .strip_suffix(name)
                .is_some_and(|rest| rest.ends_with('.'))
        {
            return refuse("The part after the @-sign is a special-use or reserved name that cannot be used with email.");
        }
    }
    if !ascii.contains("xn--") {
        return Ok((ascii.clone(), ascii));
    }
    let labels: Checked<Vec<String>> = ascii.split('.').map(ulabel).collect();
    let unicode = labels?.join(".");
    if !unicode.chars().all(hostname_char) {
        return refuse("The part after the @-sign contains invalid characters.");
    }
    check_safe(&unicode, false)?;
    let rtl = unicode.chars().any(|c| {
        matches!(
            CodePointMapData::<BidiClass>::new().get(c),
            BidiClass::RightToLeft | BidiClass::ArabicLetter | BidiClass::ArabicNumber
        )
    });
    if rtl {
        for label in unicode.split('.') {
            if !bidi_ok(&label.chars().collect::<Vec<_>>(), true) {
                return refuse("The part after the @-sign is not valid IDNA.");
            }
        }
    }
    let again: Checked<Vec<String>> = unicode.split('.').map(alabel).collect();
    if again?.join(".").len() > MAX_DOMAIN_OCTETS {
        return refuse("The part after the @-sign became invalid after normalizing to international characters.");
    }
    Ok((unicode, ascii))
}

/// email-validator's `validate_email(address, check_deliverability=False).normalized`, and the
/// normalised local part.
fn address(text: &str) -> Checked<(String, String)> {
    // Split at the first `@` outside quotes; a quote or a `<` before it is a quoted local part
    // or a display name, which pydantic's settings refuse (so is no `@` at all).
    let split = text
        .char_indices()
        .find(|&(i, c)| matches!(c, '@' | '<' | '"') && stays_itself(&text[i..]));
    let Some((at, '@')) = split else {
        return refuse(
            "An email address must have an @-sign (and no quoted part or display name).",
        );
    };
    let (given_local, given_domain) = (&text[..at], &text[at + 1..]);
    let (mut local, ascii_local) = local_part(given_local)?;
    if ascii_local && ROLE_MAILBOXES.contains(&local.to_ascii_lowercase().as_str()) {
        local = local.to_ascii_lowercase();
    }
    if given_domain.is_empty() {
        return refuse("There must be something after the @-sign.");
    }
    if given_domain.starts_with('[') && given_domain.ends_with(']') {
        return refuse("A bracketed IP address after the @-sign is not allowed here.");
    }
    let (domain, ascii_domain) = domain_part(given_domain)?;
    let normalized = format!("{local}@{domain}");
    let too_long = [
        given_local.len() + 1 + given_domain.len(),
        normalized.len(),
        local.len() + 1 + ascii_domain.len(),
    ]
    .iter()
    .any(|&bytes| bytes > MAX_ADDRESS_BYTES);
    if too_long {
        return refuse("The email address is too long.");
    }
    Ok((normalized, local))
}

/// pydantic's `validate_email`: the name (given, or the local part) and the normalised address.
fn validate(value: &str) -> Checked<(String, String)> {
    if value.chars().count() > MAX_INPUT_CHARS {
        return refuse(&format!(
            "Length must not exceed {MAX_INPUT_CHARS} characters"
        ));
    }
    if value.contains(['\r', '\n']) {
        return refuse("Carriage return and line feed characters are not allowed");
    }
    let (name, inner) = match display_form(value) {
        Some((name, inner)) => (name, inner),
        None => (None, value),
    };
    let (normalized, local) = address(py_strip(inner))?;
    Ok((name.map_or(local, str::to_owned), normalized))
}

/// `pydantic.EmailStr`: an address as email-validator normalises it (a Python `str`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EmailStr(String);

impl EmailStr {
    /// The address `text` names, checked and normalised as pydantic does; an error says why not.
    pub fn parse(text: &str) -> Result<Self, String> {
        validate(text).map(|(_, email)| Self(email))
    }

    /// The normalised address, as pydantic writes it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// `pydantic.NameEmail`: a display name and an address; written `name <email>`, the name in
/// quotes when it holds an `@`. Without a name given, the name is the address's local part.
/// Read from text, the address is checked and normalised; a `NameEmail` built in Python crosses
/// as it is (pydantic does not check an instance again), so `email` is a plain `String`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NameEmail {
    /// The display name, as given (or the address's local part).
    pub name: String,
    /// The address.
    pub email: String,
}

impl NameEmail {
    /// `Name <address>` or a bare address, checked and normalised as pydantic does.
    pub fn parse(text: &str) -> Result<Self, String> {
        let (name, email) = validate(text)?;
        Ok(Self { name, email })
    }
}

macro_rules! text_impls {
    ($ty:ident, $what:literal) => {
        impl std::str::FromStr for $ty {
            type Err = String;
            fn from_str(text: &str) -> Result<Self, String> {
                Self::parse(text)
            }
        }

        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct Visitor;
                impl serde::de::Visitor<'_> for Visitor {
                    type Value = $ty;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str($what)
                    }
                    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<$ty, E> {
                        $ty::parse(v).map_err(E::custom)
                    }
                }
                deserializer.deserialize_str(Visitor)
            }
        }
    };
}

text_impls!(EmailStr, "an email address as a string");
text_impls!(NameEmail, "a name and an email address as a string");

impl std::fmt::Display for EmailStr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::fmt::Display for NameEmail {
    /// `str(NameEmail)`, which is its JSON.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.name.contains('@') {
            write!(f, "\"{}\" <{}>", self.name, self.email)
        } else {
            write!(f, "{} <{}>", self.name, self.email)
        }
    }
}

impl<'a, 'py> FromPyObject<'a, 'py> for EmailStr {
    type Error = PyErr;

    /// A `str`, checked and normalised as pydantic does (a model's value is normalised already).
    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        let text = obj.cast::<PyString>()?;
        Self::parse(text.to_str()?).map_err(pyo3::exceptions::PyValueError::new_err)
    }
}

impl<'py> IntoPyObject<'py> for &EmailStr {
    type Target = PyString;
    type Output = Bound<'py, PyString>;
    type Error = std::convert::Infallible;

    fn into_pyobject(self, py: Python<'py>) -> Result<Self::Output, Self::Error> {
        Ok(PyString::new(py, &self.0))
    }
}

impl<'py> IntoPyObject<'py> for EmailStr {
    type Target = PyString;
    type Output = Bound<'py, PyString>;
    type Error = std::convert::Infallible;

    fn into_pyobject(self, py: Python<'py>) -> Result<Self::Output, Self::Error> {
        (&self).into_pyobject(py)
    }
}

impl<'a, 'py> FromPyObject<'a, 'py> for NameEmail {
    type Error = PyErr;

    /// A `pydantic.networks.NameEmail` (taken as it is, as pydantic takes it), or a `str` read
    /// as pydantic reads one.
    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        if let Ok(text) = obj.cast::<PyString>() {
            return Self::parse(text.to_str()?).map_err(pyo3::exceptions::PyValueError::new_err);
        }
        let name: String = crate::getattr!(obj, "name")?.extract()?;
        let email: String = crate::getattr!(obj, "email")?.extract()?;
        Ok(Self { name, email })
    }
}

crate::into_py!(&NameEmail, |value, py| {
    static CLASS: pyo3::sync::PyOnceLock<Py<pyo3::types::PyType>> = pyo3::sync::PyOnceLock::new();
    CLASS
        .import(py, "pydantic.networks", "NameEmail")?
        .call1((value.name.as_str(), value.email.as_str()))
});
crate::into_py_by_ref!(NameEmail);

#[cfg(test)]
mod tests {
    use super::{EmailStr, NameEmail};

    fn email(text: &str) -> Option<String> {
        EmailStr::parse(text).ok().map(|e| e.as_str().to_owned())
    }

    #[test]
    fn normalised_as_pydantic_does() {
        for (given, written) in [
            ("jd@example.com", "jd@example.com"),
            ("  JD@Example.COM ", "JD@example.com"),
            ("John Doe <jd@example.com>", "jd@example.com"),
            ("Postmaster@example.com", "postmaster@example.com"),
            ("a.b+c@sub.example.co.uk", "a.b+c@sub.example.co.uk"),
            ("ñoño@example.com", "ñoño@example.com"),
            ("x@münchen.de", "x@münchen.de"),
            ("x@XN--MNCHEN-3YA.DE", "x@münchen.de"),
            ("x@example\u{ff0e}com", "x@example.com"),
        ] {
            assert_eq!(email(given).as_deref(), Some(written), "{given:?}");
        }
        for refused in [
            "",
            "plain",
            "@example.com",
            "a@",
            ".a@example.com",
            "a.@example.com",
            "a..b@example.com",
            "a@example",
            "a@localhost",
            "a@mail.local",
            "a@example.test",
            "a@example.123",
            "a@[1.2.3.4]",
            "\"a b\"@example.com",
            "a b@example.com",
            "a@-example.com",
            "a@exa_mple.com",
            "a@ab--cd.com",
            "a@xn--abc.com",
            "a\r@example.com",
        ] {
            assert_eq!(email(refused), None, "{refused:?}");
        }
        let long_label = format!("a@{}.com", "b".repeat(64));
        assert_eq!(email(&long_label), None);
        assert!(email(&format!("{}@example.com", "a".repeat(242))).is_some()); // 254 bytes
        assert!(email(&format!("{}@example.com", "a".repeat(243))).is_none());
    }

    #[test]
    fn name_email_is_written_as_str_writes_it() {
        let write = |text: &str| serde_json::to_string(&NameEmail::parse(text).unwrap()).unwrap();
        assert_eq!(
            write("John Doe <jd@example.com>"),
            r#""John Doe <jd@example.com>""#
        );
        assert_eq!(write("jd@example.com"), r#""jd <jd@example.com>""#);
        assert_eq!(
            write("\"a@b\" <jd@example.com>"),
            r#""\"a@b\" <jd@example.com>""#
        );
        assert_eq!(write("<jd@example.com>"), r#""jd <jd@example.com>""#);
        assert!(serde_json::from_str::<NameEmail>("1").is_err());
    }
}
