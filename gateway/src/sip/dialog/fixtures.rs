//! Messages and a virtual clock for the dialog tests: the transaction
//! tests' own, shared.

pub(crate) use crate::sip::transaction::fixtures::{Clock, MS, parse_any, parse_request, parse_response};
