//! The privacy guard of SPEC §1: exports must be anonymized, so a column named like a direct
//! identifier, or an id column whose values look like emails or phone numbers, stops the run.

/// Header names (lowercased, without spaces, `_`, `-` or `.`) of direct identifiers.
const IDENTIFIER_NAMES: &[(&str, &str)] = &[
    ("name", "names"),
    ("fname", "names"),
    ("lname", "names"),
    ("mname", "names"),
    ("firstname", "names"),
    ("lastname", "names"),
    ("middlename", "names"),
    ("fullname", "names"),
    ("givenname", "names"),
    ("familyname", "names"),
    ("surname", "names"),
    ("patientname", "names"),
    ("clientname", "names"),
    ("email", "email addresses"),
    ("emailaddress", "email addresses"),
    ("mail", "email addresses"),
    ("phone", "phone numbers"),
    ("phonenumber", "phone numbers"),
    ("telephone", "phone numbers"),
    ("tel", "phone numbers"),
    ("mobile", "phone numbers"),
    ("mobilephone", "phone numbers"),
    ("cell", "phone numbers"),
    ("cellphone", "phone numbers"),
    ("address", "addresses"),
    ("streetaddress", "addresses"),
    ("street", "addresses"),
    ("postcode", "postcodes"),
    ("postalcode", "postcodes"),
    ("zip", "postcodes"),
    ("zipcode", "postcodes"),
    ("dateofbirth", "dates of birth"),
    ("dob", "dates of birth"),
    ("birthdate", "dates of birth"),
    ("birthday", "dates of birth"),
    ("ssn", "social security numbers"),
    ("socialsecuritynumber", "social security numbers"),
    ("nhsnumber", "NHS numbers"),
    ("nhsno", "NHS numbers"),
    ("mrn", "medical record numbers"),
    ("medicalrecordnumber", "medical record numbers"),
];

/// Endings that mark an identifier whatever the prefix (`patient_email`, `client_phone`, `pt_dob`).
const IDENTIFIER_ENDINGS: &[(&str, &str)] = &[
    ("firstname", "names"),
    ("lastname", "names"),
    ("fullname", "names"),
    ("email", "email addresses"),
    ("phone", "phone numbers"),
    ("phonenumber", "phone numbers"),
    ("address", "addresses"),
    ("postcode", "postcodes"),
    ("zipcode", "postcodes"),
    ("dateofbirth", "dates of birth"),
    ("dob", "dates of birth"),
    ("ssn", "social security numbers"),
    ("nhsnumber", "NHS numbers"),
    ("mrn", "medical record numbers"),
    ("medicalrecordnumber", "medical record numbers"),
];

/// What a header says its column holds, if that is a direct identifier.
pub fn identifier_column(header: &str) -> Option<&'static str> {
    let key: String =
        header.chars().filter(|c| !matches!(c, ' ' | '_' | '-' | '.')).flat_map(char::to_lowercase).collect();
    IDENTIFIER_NAMES
        .iter()
        .find(|(name, _)| *name == key)
        .or_else(|| IDENTIFIER_ENDINGS.iter().find(|(ending, _)| key.len() > ending.len() && key.ends_with(ending)))
        .map(|(_, what)| *what)
}

/// What an id value looks like, if it looks like contact details rather than a pseudonymous key.
pub fn contact_value(value: &str) -> Option<&'static str> {
    let bytes = value.as_bytes();
    let first = *bytes.first()?;
    // Fast exit for the common pseudonymous key such as `P000123` or `C01`.
    if first.is_ascii_alphabetic() && !bytes.contains(&b'@') {
        return None;
    }
    if let Some(at) = value.find('@') {
        let domain = &value[at + 1..];
        if at > 0 && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.') {
            return Some("email addresses");
        }
    }
    if !bytes.iter().all(|b| b.is_ascii_digit() || matches!(b, b' ' | b'+' | b'-' | b'(' | b')' | b'.')) {
        return None;
    }
    let digits = bytes.iter().filter(|b| b.is_ascii_digit()).count();
    let separated = bytes.iter().any(|b| matches!(b, b' ' | b'(' | b')' | b'.' | b'-'));
    // A national number with a trunk prefix (07700 900123, 0301234567): 10–11 digits after a lone 0.
    let trunk = first == b'0' && bytes.get(1).is_some_and(|b| (b'1'..=b'9').contains(b)) && (10..=11).contains(&digits);
    let phone = (first == b'+' && (8..=15).contains(&digits)) || (separated && (10..=15).contains(&digits)) || trunk;
    phone.then_some("phone numbers")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifier_headers_after_normalising() {
        assert_eq!(identifier_column("First Name"), Some("names"));
        assert_eq!(identifier_column("patient_email"), Some("email addresses"));
        assert_eq!(identifier_column("DOB"), Some("dates of birth"));
        assert_eq!(identifier_column("NHS-Number"), Some("NHS numbers"));
        assert_eq!(identifier_column("Zip"), Some("postcodes"));
        assert_eq!(identifier_column("clinic_name"), None);
        assert_eq!(identifier_column("client_id"), None);
        assert_eq!(identifier_column("session_type"), None);
    }

    #[test]
    fn contact_values() {
        assert_eq!(contact_value("jo@example.org"), Some("email addresses"));
        assert_eq!(contact_value("+44 7700 900123"), Some("phone numbers"));
        assert_eq!(contact_value("(555) 123-4567"), Some("phone numbers"));
        assert_eq!(contact_value("07700900123"), Some("phone numbers"));
        assert_eq!(contact_value("P000123"), None);
        assert_eq!(contact_value("000123456"), None);
        assert_eq!(contact_value("1234"), None);
        assert_eq!(contact_value("2026-0001"), None);
        assert_eq!(contact_value("a@b"), None);
    }
}
