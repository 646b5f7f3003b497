//! Media: codecs and signal analysis for the call legs. Everything here is
//! sans-IO and allocation-free on the per-packet path; the drivers own the
//! sockets and clocks.
//!
//! - [`g711`]: PCMU (μ-law) and PCMA (A-law), ITU-T G.711.
//! - [`goertzel`]: single-frequency power (Goertzel) and in-band DTMF
//!   detection (ITU-T Q.23/Q.24), the fallback when a carrier sends no
//!   RFC 4733 events; tests use it to prove a tone crossed a call.
//! - [`mixer`]: the per-call listen/speak matrix (bridge, monitor, whisper,
//!   barge, conference) and the stereo recorder with pause.
//! - [`rtp`]: RTP and RTCP headers, parsed without copying.
//! - [`rtp_leg`]: one SIP leg's RTP: symmetric-RTP latching, RFC 3550 loss
//!   and jitter, silence detection; the RTP port range.
//! - [`telephone_event`]: RFC 4733 DTMF events and their de-duplication.
//! - [`webrtc`]: browser legs through str0m, many on one UDP socket.

pub mod announcer;
pub mod conference;
pub mod dtls;
pub mod g711;
pub mod goertzel;
pub mod mixer;
pub mod music;
pub mod rtp;
pub mod rtp_leg;
pub mod telephone_event;
pub mod wav;
pub mod webrtc;
