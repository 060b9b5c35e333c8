//! An analysed drop answers the protocol's requests (`protocol::Request`): the viewer's rows,
//! finds and jumps, the full report and its Markdown, the Share panel's redacted exports, a
//! file read in another time zone. [`Session::answer`] is the whole protocol in plain Rust,
//! tested natively; `request` is its JavaScript door.

use wasm_bindgen::prelude::*;
use wulens_core::model::Severity;
use wulens_core::report::ReportLimits;
use wulens_core::{Diagnosis, Report};

use crate::convert::to_js;
use crate::error::Error;
use crate::protocol::{Detail, Filtered, Found, Located, NextKind, Request, Response, Rows, Shared};
use crate::session::Analysed;
use crate::session::Session;

#[wasm_bindgen]
impl Session {
    /// Answer a [`Request`] (a plain object) with a [`Response`] (a plain object).
    pub fn request(&mut self, request: JsValue) -> Result<JsValue, JsError> {
        let req: Request = serde_wasm_bindgen::from_value(request).map_err(|e| Error::BadRequest(e.to_string()))?;
        let res = self.answer(req)?;
        Ok(to_js(&res)?)
    }

    /// The drop's logs redacted into a zip (a `Uint8Array`): the Share panel's download.
    pub fn redacted_zip(&mut self) -> Result<Vec<u8>, JsError> {
        Ok(self.redacted_zip_bytes()?)
    }
}

impl Session {
    /// The protocol in plain Rust: the answer to `req`, or why not.
    pub fn answer(&mut self, req: Request) -> Result<Response, Error> {
        let d = self.analysed()?;
        if let Request::SetOffset { file, minutes } = req {
            return set_offset(d, file, minutes);
        }
        if let Request::Shared = req {
            return shared(d).map(Response::Shared);
        }
        let Analysed { analysis: a, diagnosis, view: v, .. } = d;
        Ok(match req {
            Request::Filter(f) => {
                let count = v.apply(a, f).map_err(Error::View)?;
                Response::Filtered(Filtered { count, total: v.total() })
            }
            Request::Rows { start, count } => Response::Rows(Rows { rows: v.rows(a, start, count.min(2000)), count: v.len() }),
            Request::Detail { index } => {
                let (text, truncated) = v.detail(a, index).ok_or(Error::NoSuchRow)?;
                Response::Detail(Detail { text, truncated })
            }
            Request::Locate { file, line } => Response::Located(Located { index: v.locate(a, file, line) }),
            Request::Next { from, min, forward, routine } => {
                let min = match min {
                    NextKind::Error => Severity::Error,
                    NextKind::Warning => Severity::Warning,
                };
                // The lines of the updates failing or stalled now come first.
                Response::Located(Located { index: v.next_stop(a, from, min, forward, !routine, &diagnosis.target_lines(a)) })
            }
            Request::Find { text, start, forward } => {
                let (count, index) = v.find(a, &text, start, forward);
                Response::Found(Found { count, index })
            }
            Request::AtTime { time, zone } => Response::Located(Located { index: v.at_time(a, &time, zone).map_err(Error::View)? }),
            Request::Positions { lines } => Response::Positions(v.positions(a, &lines)),
            Request::Codes => Response::Codes(v.codes_in_view(a)),
            Request::Components => Response::Components(v.components(a)),
            Request::Copy { indices, markdown } => Response::Text(v.copy(a, &indices, markdown)),
            Request::Markdown => Response::Text(wulens_core::report::markdown(&Report::from_diagnosis(a, diagnosis, ReportLimits::FULL))),
            Request::MarkdownSummary => Response::Text(wulens_core::report::markdown_summary(&Report::from_diagnosis(a, diagnosis, ReportLimits::FULL))),
            Request::Report => Response::Report(Box::new(Report::from_diagnosis(a, diagnosis, ReportLimits::FULL))),
            Request::SetOffset { .. } | Request::Shared => unreachable!("answered above"),
        })
    }

    /// The drop's logs redacted into a zip (what `wulens redact` writes), with the same
    /// redactor as the Share panel's report: a name has one pseudonym in both.
    pub fn redacted_zip_bytes(&mut self) -> Result<Vec<u8>, Error> {
        let d = self.analysed()?;
        let redactor = d.redactor.get_or_insert_with(|| wulens_core::redact::learned(&d.analysis));
        let (cursor, _) = wulens_core::redact::write_zip(&d.analysis, redactor, std::io::Cursor::new(Vec::new())).map_err(|e| Error::Redact(e.to_string()))?;
        Ok(cursor.into_inner())
    }
}

/// The Share panel's exports: the full report redacted by the drop's redactor (taught first,
/// once), as JSON and Markdown, with what was replaced in them and what the logs' zip replaces
/// (counted now, its pseudonyms given now: the zip written later replaces the same). Made once
/// per diagnosis.
fn shared(d: &mut Analysed) -> Result<Box<Shared>, Error> {
    if let Some(s) = &d.shared {
        return Ok(s.clone());
    }
    let redactor = d.redactor.get_or_insert_with(|| wulens_core::redact::learned(&d.analysis));
    redactor.tally();
    let report = Report::from_diagnosis(&d.analysis, &d.diagnosis, ReportLimits::FULL);
    let report = wulens_core::redact::report(&report, redactor).map_err(|e| Error::Redact(e.to_string()))?;
    let redaction = redactor.tally();
    let logs = redactor.count_zip(&d.analysis);
    let shared =
        Box::new(Shared { redaction, logs, markdown: wulens_core::report::markdown(&report), summary: wulens_core::report::markdown_summary(&report), report });
    d.shared = Some(shared.clone());
    Ok(shared)
}

/// A file's times read in another zone: the view and the diagnosis are made anew.
fn set_offset(d: &mut Analysed, file: u32, minutes: Option<i32>) -> Result<Response, Error> {
    d.analysis.set_offset_override(file as usize, minutes);
    let rebuilt = d.view.rebuild(&d.analysis);
    d.diagnosis = Diagnosis::run(&d.analysis);
    d.shared = None;
    rebuilt.map_err(Error::View)?;
    Ok(Response::Report(Box::new(Report::from_diagnosis(&d.analysis, &d.diagnosis, ReportLimits::PAGE))))
}
