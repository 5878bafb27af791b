//! Indicator frames as published tables: ids and dates as text, CSV cells safe for spreadsheets.

use polars::prelude::*;

use crate::dates;
use crate::indicators::ALL_CLINICS;
use crate::ingest::Ids;
use crate::privacy::tables::Overrides;

/// Replaces code columns by their ids' text and day numbers by dates, renaming to the SPEC's keys:
/// clinic → clinic_id, clinician → clinician_id, week → week_start.
pub fn publishable(frame: &DataFrame, ids: &Ids) -> PolarsResult<DataFrame> {
    let mut columns = Vec::with_capacity(frame.width());
    for column in frame.columns() {
        let published = match column.name().as_str() {
            "clinic" => {
                let names: Vec<&str> = column
                    .u32()?
                    .iter()
                    .map(|c| match c {
                        Some(ALL_CLINICS) => "ALL",
                        Some(code) => ids.clinics.name(code),
                        None => "",
                    })
                    .collect();
                Column::new("clinic_id".into(), names)
            }
            "clinician" => {
                let names: Vec<Option<&str>> =
                    column.u32()?.iter().map(|c| c.map(|code| ids.clinicians.name(code))).collect();
                Column::new("clinician_id".into(), names)
            }
            "week" => column.cast(&DataType::Date)?.with_name("week_start".into()),
            _ => column.clone(),
        };
        columns.push(published);
    }
    DataFrame::new_infer_height(columns)
}

/// A text cell a spreadsheet would run as a formula gets a leading apostrophe (SPEC §4).
pub fn neutralise(text: &str) -> std::borrow::Cow<'_, str> {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}").into(),
        _ => text.into(),
    }
}

/// Up to 4 decimals, trailing zeros trimmed: stable across runs and readable in a spreadsheet.
pub fn format_number(value: f64) -> String {
    if !value.is_finite() {
        return String::new();
    }
    let text = format!("{value:.4}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".to_owned()
    } else {
        text.to_owned()
    }
}

fn cell(value: AnyValue) -> String {
    match value {
        AnyValue::Null => String::new(),
        AnyValue::Float64(v) => format_number(v),
        AnyValue::Float32(v) => format_number(f64::from(v)),
        AnyValue::String(s) => neutralise(s).into_owned(),
        AnyValue::StringOwned(s) => neutralise(&s).into_owned(),
        AnyValue::Date(d) => dates::format_day(d),
        AnyValue::Boolean(b) => b.to_string(),
        other => other.to_string(),
    }
}

/// `frame` as CSV; a cell with an override (a suppressed count, a withheld rate) is written as
/// that text instead of its value.
pub fn csv_bytes(frame: &DataFrame, overrides: Option<&Overrides>) -> std::io::Result<Vec<u8>> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let fail = |e: csv::Error| std::io::Error::other(e.to_string());
    writer.write_record(frame.get_column_names().iter().map(|n| n.as_str())).map_err(fail)?;
    let columns = frame.columns();
    let mut record = Vec::with_capacity(columns.len());
    for row in 0..frame.height() {
        record.clear();
        for column in columns {
            match overrides.and_then(|o| o.get(column.name(), row)) {
                Some(hidden) => record.push(hidden.to_string()),
                None => record.push(cell(column.get(row).map_err(|e| std::io::Error::other(e.to_string()))?)),
            }
        }
        writer.write_record(&record).map_err(fail)?;
    }
    writer.into_inner().map_err(|e| e.into_error())
}

/// `frame` as Parquet.
pub fn parquet_bytes(frame: &DataFrame) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    let mut frame = frame.clone();
    ParquetWriter::new(&mut bytes).finish(&mut frame).map_err(|e| std::io::Error::other(e.to_string()))?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_short_and_stable() {
        assert_eq!(format_number(2.0), "2");
        assert_eq!(format_number(0.333333333), "0.3333");
        assert_eq!(format_number(-0.00001), "0");
        assert_eq!(format_number(f64::NAN), "");
    }

    #[test]
    fn formula_cells_are_neutralised() {
        assert_eq!(neutralise("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralise("C-01"), "C-01");
        assert_eq!(neutralise("-1+2"), "'-1+2");
    }
}
