//! `rejects/<file>.csv`: every rejected row's line, column and reason.

use super::*;

/// rejects/<file>.csv; the offending value (which may be an id) only for the internal audience.
pub(super) fn write_rejects(sink: &Sink, files: &[SourceFile], with_values: bool) -> Result<()> {
    for report in files.iter().filter(|r| r.rejected > 0) {
        let relative = format!("rejects/{}", report.file);
        let mut writer = csv::Writer::from_writer(Vec::new());
        let fail = |e: csv::Error| Error::output(&relative, std::io::Error::other(e.to_string()));
        let header: &[&str] =
            if with_values { &["line", "column", "reason", "value"] } else { &["line", "column", "reason"] };
        writer.write_record(header).map_err(fail)?;
        for reject in report.rejects {
            let line = reject.line.to_string();
            let value = tables::neutralise(&reject.value);
            let mut record = vec![line.as_str(), reject.column.as_str(), reject.reason.as_str()];
            if with_values {
                record.push(&value);
            }
            writer.write_record(&record).map_err(fail)?;
        }
        let bytes = writer.into_inner().map_err(|e| Error::output(&relative, e.into_error()))?;
        sink.file(&relative, &bytes)?;
    }
    Ok(())
}
