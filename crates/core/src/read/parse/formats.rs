//! Which parser reads which format: one parser over a text from a record boundary.

use super::builder::Builder;
use super::{cbs, cmtrace, dolog, plain, reporting, setupapi, simple, wsus, wu_etw, wu_legacy};
use crate::model::LogFormat;

/// One parser over `text[from..]` (`from` is a record boundary; offsets stay those of `text`).
pub(super) fn parse_from(format: LogFormat, text: &str, from: usize) -> Builder<'_> {
    let mut b = Builder::new(text, from);
    run(format, &mut b);
    b
}

/// The parser of `format` over `b.text[b.start..]`.
pub(super) fn run(format: LogFormat, b: &mut Builder) {
    match format {
        LogFormat::Cmtrace => cmtrace::parse(b),
        LogFormat::CmtraceSimple => simple::parse(b),
        LogFormat::WindowsUpdateLegacy => wu_legacy::parse(b),
        LogFormat::WindowsUpdateEtw => wu_etw::parse(b),
        // Event logs are rendered in that layout (read/evtx.rs).
        LogFormat::EventLog => wu_etw::parse(b),
        LogFormat::Cbs | LogFormat::Dism | LogFormat::Setup => cbs::parse(b),
        LogFormat::WsusSoftwareDistribution => wsus::parse(b),
        LogFormat::WindowsUpdateReportingEvents => reporting::parse(b),
        LogFormat::SetupApi => setupapi::parse(b),
        LogFormat::DeliveryOptimization => dolog::parse(b),
        _ => plain::parse(b),
    }
}
