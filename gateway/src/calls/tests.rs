//! The call-control core on scripted inputs.

use super::*;
use crate::sip::dialog::Reason;

const OFFER: &str = "v=0\r\no=- 1 1 IN IP4 192.0.2.7\r\ns=-\r\nc=IN IP4 192.0.2.7\r\nt=0 0\r\n\
                     m=audio 40000 RTP/AVP 8 0 101\r\na=rtpmap:101 telephone-event/8000\r\n";

fn incoming(dialog: u64, sdp: Option<&str>) -> Incoming {
    Incoming {
        dialog: DialogId::for_test(dialog),
        trunk: "carrier".into(),
        caller: identity::Caller { number: "+966501234567".into(), name: Some("Rania".into()) },
        dialed: "+441234567890".into(),
        sdp: sdp.map(|s| s.as_bytes().to_vec()),
        web: None,
    }
}

fn drain(c: &mut Calls) -> Vec<Output> {
    std::iter::from_fn(|| c.poll_output()).collect()
}

/// The messages each agent got, as (agent, type, call id, end kind).
fn notices(outs: &[Output]) -> Vec<(i64, &'static str, String, Option<CallEndKind>)> {
    outs.iter()
        .filter_map(|o| match o {
            Output::Notify { agent, msg: ServerMsg::CallRinging { call } } => {
                Some((*agent, "ringing", call.call_id.clone(), None))
            }
            Output::Notify { agent, msg: ServerMsg::CallEnded { call_id, reason } } => {
                Some((*agent, "ended", call_id.clone(), Some(reason.kind)))
            }
            _ => None,
        })
        .collect()
}

fn sip(outs: &[Output]) -> Vec<&SipCommand> {
    outs.iter()
        .filter_map(|o| match o {
            Output::Sip(c) => Some(c),
            _ => None,
        })
        .collect()
}

fn ring(c: &mut Calls, id: &str, dialog: u64) -> Vec<Output> {
    c.handle_incoming(id.into(), "2026-11-24T00:00:00Z".into(), 42, incoming(dialog, Some(OFFER)), None, None);
    drain(c)
}

#[test]
fn a_call_rings_every_free_available_agent_and_the_first_answer_takes_it() {
    let mut c = Calls::new();
    c.handle_agent(1, true);
    c.handle_agent(2, true);
    c.handle_agent(3, false);
    let outs = ring(&mut c, "A", 7);
    assert_eq!(sip(&outs), [&SipCommand::Ring { dialog: DialogId::for_test(7) }]);
    let mut rung: Vec<i64> = notices(&outs).iter().map(|n| n.0).collect();
    rung.sort();
    assert_eq!(rung, [1, 2], "not the unavailable agent");
    let Some(call) = outs.iter().find_map(|o| match o {
        Output::Notify { msg: ServerMsg::CallRinging { call }, .. } => Some(call),
        _ => None,
    }) else {
        panic!("{outs:?}")
    };
    assert_eq!(
        (call.from.as_str(), call.to.as_str(), call.trunk.as_str()),
        ("+966501234567", "+441234567890", "carrier")
    );

    let AnswerMedia::Open(plan) = c.handle_answer(2, "A").unwrap() else { panic!("a new call opens its media") };
    assert_eq!(
        (plan.codec, plan.pt, plan.telephone_event_pt),
        (Codec::Pcma, 8, Some(101)),
        "the caller's first choice"
    );
    assert_eq!(plan.remote, "192.0.2.7:40000".parse().unwrap());
    assert_eq!(notices(&drain(&mut c)), [(1, "ended", "A".into(), Some(CallEndKind::AnsweredElsewhere))]);
    assert_eq!(c.handle_answer(1, "A"), Err(CallError::NotRinging));

    c.handle_media_ready("A", LegId(5), RtpLegId(6), "127.0.0.1:20002".parse().unwrap()).unwrap();
    let outs = drain(&mut c);
    let [SipCommand::Accept { dialog, sdp }] = sip(&outs)[..] else { panic!("{outs:?}") };
    assert_eq!(*dialog, DialogId::for_test(7));
    let answer = sdp::parse(sdp).unwrap();
    assert_eq!(answer.media[0].port, 20002);
    assert_eq!(answer.media[0].formats, [8, 101]);

    c.handle_hang_up(2, "A").unwrap();
    let outs = drain(&mut c);
    assert_eq!(sip(&outs), [&SipCommand::HangUp { dialog: DialogId::for_test(7) }]);
    assert!(outs.contains(&Output::Release { browser: Some(LegId(5)), rtp: Some(RtpLegId(6)) }));
    assert_eq!(notices(&outs), [(2, "ended", "A".into(), Some(CallEndKind::LocalHangUp))]);
    assert!(c.is_empty());
    // The dialog's own end, which follows, concerns nobody any more.
    c.handle_dialog_event(DialogEvent::Terminated { id: DialogId::for_test(7), reason: Reason::LocalBye });
    assert!(drain(&mut c).is_empty());
}

#[test]
fn waiting_calls_ring_for_an_agent_who_becomes_available_oldest_first() {
    let mut c = Calls::new();
    ring(&mut c, "old", 1);
    ring(&mut c, "new", 2);
    c.handle_agent(9, true);
    let names: Vec<String> = notices(&drain(&mut c)).into_iter().map(|n| n.2).collect();
    assert_eq!(names, ["old", "new"]);
    // Leaving stops them ringing; they still wait.
    c.handle_agent(9, false);
    let ended = notices(&drain(&mut c));
    assert_eq!(ended.len(), 2);
    assert!(ended.iter().all(|n| n.3 == Some(CallEndKind::Withdrawn)));
    assert_eq!(c.len(), 2);
}

#[test]
fn a_caller_who_gives_up_is_abandoned_for_everyone_it_rang() {
    let mut c = Calls::new();
    c.handle_agent(1, true);
    c.handle_agent(2, true);
    ring(&mut c, "A", 3);
    c.handle_dialog_event(DialogEvent::Terminated { id: DialogId::for_test(3), reason: Reason::Cancelled });
    let ended = notices(&drain(&mut c));
    assert_eq!(ended.len(), 2);
    assert!(ended.iter().all(|n| n.3 == Some(CallEndKind::Abandoned)));
    assert!(c.is_empty());
}

#[test]
fn offers_we_cannot_answer_are_refused_488() {
    let mut c = Calls::new();
    c.handle_agent(1, true);
    for (i, sdp) in [None, Some("garbage"), Some(&*OFFER.replace("8 0 101", "18"))].into_iter().enumerate() {
        c.handle_incoming(format!("c{i}"), String::new(), 1, incoming(i as u64, sdp), None, None);
        let outs = drain(&mut c);
        let [SipCommand::Reject { status, .. }] = sip(&outs)[..] else { panic!("{outs:?}") };
        assert_eq!(status.code(), 488);
        assert!(notices(&outs).is_empty(), "nobody rings for it");
    }
    assert!(c.is_empty());
}

#[test]
fn an_agent_takes_one_call_at_a_time_and_only_one_offered_to_them() {
    let mut c = Calls::new();
    c.handle_agent(1, true);
    ring(&mut c, "A", 1);
    ring(&mut c, "B", 2);
    assert_eq!(c.handle_answer(2, "A"), Err(CallError::Gone), "never offered to agent 2");
    assert_eq!(c.handle_answer(1, "nope"), Err(CallError::Gone));
    c.handle_answer(1, "A").unwrap();
    // B stopped ringing for them when they took A.
    assert_eq!(notices(&drain(&mut c)), [(1, "ended", "B".into(), Some(CallEndKind::Withdrawn))]);
    assert_eq!(c.handle_answer(1, "B"), Err(CallError::Gone));
    assert_eq!(c.handle_hang_up(2, "A"), Err(CallError::Gone), "not theirs to hang up");
    // The caller of A hangs up before media is ready: B rings for agent 1 again.
    c.handle_dialog_event(DialogEvent::Terminated { id: DialogId::for_test(1), reason: Reason::RemoteBye });
    let outs = drain(&mut c);
    assert_eq!(
        notices(&outs),
        [(1, "ended", "A".into(), Some(CallEndKind::RemoteHangUp)), (1, "ringing", "B".into(), None)]
    );
    assert_eq!(
        c.handle_media_ready("A", LegId(1), RtpLegId(1), "127.0.0.1:1".parse().unwrap()),
        Err(CallError::Gone),
        "the driver closes the legs it opened"
    );
}

#[test]
fn failed_media_rings_the_call_again_and_a_vanished_browser_hangs_up() {
    let mut c = Calls::new();
    c.handle_agent(1, true);
    c.handle_agent(2, true);
    ring(&mut c, "A", 1);
    c.handle_answer(1, "A").unwrap();
    drain(&mut c);
    c.handle_media_failed("A");
    let mut rung: Vec<i64> = notices(&drain(&mut c)).iter().map(|n| n.0).collect();
    rung.sort();
    assert_eq!(rung, [1, 2]);

    c.handle_answer(2, "A").unwrap();
    c.handle_media_ready("A", LegId(8), RtpLegId(9), "127.0.0.1:20000".parse().unwrap()).unwrap();
    drain(&mut c);
    c.handle_leg_ended(LegId(8), EndReason::Removed);
    assert!(drain(&mut c).is_empty(), "our own removals are not news");
    c.handle_leg_ended(LegId(8), EndReason::NoMedia);
    let outs = drain(&mut c);
    assert_eq!(sip(&outs), [&SipCommand::HangUp { dialog: DialogId::for_test(1) }]);
    assert_eq!(notices(&outs), [(2, "ended", "A".into(), Some(CallEndKind::Failed))]);
}

#[test]
fn a_decline_leaves_the_call_ringing_for_the_others() {
    let mut c = Calls::new();
    c.handle_agent(1, true);
    c.handle_agent(2, true);
    ring(&mut c, "A", 1);
    c.handle_decline(1, "A").unwrap();
    assert_eq!(notices(&drain(&mut c)), [(1, "ended", "A".into(), Some(CallEndKind::Withdrawn))]);
    // Coming back does not ring the declined call again.
    c.handle_agent(1, false);
    c.handle_agent(1, true);
    assert!(notices(&drain(&mut c)).is_empty());
    assert_eq!(c.handle_decline(1, "A"), Err(CallError::Gone));
    assert!(c.handle_answer(2, "A").is_ok());
}

#[test]
fn a_reinvite_is_answered_from_the_same_port() {
    let mut c = Calls::new();
    c.handle_agent(1, true);
    ring(&mut c, "A", 1);
    let id = DialogId::for_test(1);
    c.handle_dialog_event(DialogEvent::ReInvite { id, sdp: Some(OFFER.into()) });
    let outs = drain(&mut c);
    assert!(matches!(sip(&outs)[..], [SipCommand::Reject { .. }]), "no media yet");
    c.handle_answer(1, "A").unwrap();
    c.handle_media_ready("A", LegId(1), RtpLegId(1), "127.0.0.1:20010".parse().unwrap()).unwrap();
    drain(&mut c);
    let hold = OFFER.replace("t=0 0\r\n", "t=0 0\r\na=sendonly\r\n");
    c.handle_dialog_event(DialogEvent::ReInvite { id, sdp: Some(hold.into_bytes()) });
    let outs = drain(&mut c);
    let [SipCommand::Accept { sdp, .. }] = sip(&outs)[..] else { panic!("{outs:?}") };
    let answer = sdp::parse(sdp).unwrap();
    assert_eq!(answer.media[0].port, 20010);
    assert_eq!(answer.direction_of(&answer.media[0]), sdp::Direction::RecvOnly);
    assert_eq!(answer.origin.2, 2, "a new version");
}

fn dial(number: &str) -> Dial {
    Dial {
        call_id: "out".into(),
        started: String::new(),
        session_id: 5,
        number: number.into(),
        trunk: "carrier".into(),
        caller_id: "+441234567890".into(),
    }
}

const ANSWER: &str = "v=0\r\no=- 2 2 IN IP4 192.0.2.9\r\ns=-\r\nc=IN IP4 192.0.2.9\r\nt=0 0\r\n\
                      m=audio 41000 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\n";

#[test]
fn an_outbound_call_offers_rings_and_connects() {
    let mut c = Calls::new();
    c.handle_agent(1, true);
    ring(&mut c, "waiting", 9);
    assert_eq!(c.handle_dial(1, dial("12ab")), Err(CallError::BadNumber));
    let info = c.handle_dial(1, dial("+966501234567")).unwrap();
    assert_eq!(
        (info.direction, info.to.as_str(), info.from.as_str()),
        (CallDirection::Outbound, "+966501234567", "+441234567890")
    );
    // Dialing makes them busy: the waiting call stops ringing for them.
    assert_eq!(notices(&drain(&mut c)), [(1, "ended", "waiting".into(), Some(CallEndKind::Withdrawn))]);
    assert_eq!(c.handle_dial(1, Dial { call_id: "again".into(), ..dial("100") }), Err(CallError::Busy));

    c.handle_dial_media("out", LegId(3), RtpLegId(4), "127.0.0.1:20020".parse().unwrap()).unwrap();
    let outs = drain(&mut c);
    let [SipCommand::Invite { call_id, number, caller_id, sdp }] = sip(&outs)[..] else { panic!("{outs:?}") };
    assert_eq!(caller_id, "+441234567890", "the From: the dial's caller ID");
    assert_eq!((call_id.as_str(), number.as_str()), ("out", "+966501234567"));
    let offer = sdp::parse(sdp).unwrap();
    assert_eq!(offer.media[0].port, 20020);
    assert_eq!(offer.media[0].formats, [0, 8, 101]);

    let id = DialogId::for_test(20);
    c.handle_invited("out", Ok(id));
    c.handle_dialog_event(DialogEvent::Ringing { id, status: StatusCode::new(180).unwrap(), sdp: None });
    c.handle_dialog_event(DialogEvent::Ringing { id, status: StatusCode::new(183).unwrap(), sdp: Some(ANSWER.into()) });
    let outs = drain(&mut c);
    let rung =
        outs.iter().filter(|o| matches!(o, Output::Notify { msg: ServerMsg::CallRemoteRinging { .. }, .. })).count();
    assert_eq!(rung, 1, "told once");
    let remote = Output::MediaRemote {
        rtp: RtpLegId(4),
        remote: "192.0.2.9:41000".parse().unwrap(),
        codec: Codec::Pcmu,
        pt: 0,
        te_pt: Some(101),
    };
    assert!(outs.contains(&remote), "early media points the leg at the far end: {outs:?}");
    c.handle_dialog_event(DialogEvent::Answered { id, sdp: Some(ANSWER.into()) });
    let outs = drain(&mut c);
    assert!(!outs.contains(&remote), "the same answer again changes nothing");
    assert!(outs.iter().any(|o| matches!(o, Output::Notify { agent: 1, msg: ServerMsg::CallConnected { .. } })));

    c.handle_dialog_event(DialogEvent::Terminated { id, reason: Reason::RemoteBye });
    let outs = drain(&mut c);
    assert!(outs.contains(&Output::Release { browser: Some(LegId(3)), rtp: Some(RtpLegId(4)) }));
    let n = notices(&outs);
    assert_eq!(n[0], (1, "ended", "out".into(), Some(CallEndKind::RemoteHangUp)));
    assert_eq!(n[1], (1, "ringing", "waiting".into(), None), "free again, the waiting call rings for them");
}

#[test]
fn an_outbound_call_hung_up_before_its_invite_left_is_cancelled_when_it_does() {
    let mut c = Calls::new();
    c.handle_dial(1, dial("100")).unwrap();
    c.handle_dial_media("out", LegId(1), RtpLegId(2), "127.0.0.1:20000".parse().unwrap()).unwrap();
    drain(&mut c);
    c.handle_hang_up(1, "out").unwrap();
    let outs = drain(&mut c);
    assert!(sip(&outs).is_empty(), "no dialog yet");
    assert!(outs.contains(&Output::Release { browser: Some(LegId(1)), rtp: Some(RtpLegId(2)) }));
    c.handle_invited("out", Ok(DialogId::for_test(4)));
    assert_eq!(sip(&drain(&mut c)), [&SipCommand::HangUp { dialog: DialogId::for_test(4) }]);
}

#[test]
fn outbound_failures_free_the_agent() {
    let mut c = Calls::new();
    c.handle_dial(1, dial("100")).unwrap();
    c.handle_dial_failed("out");
    assert!(c.is_empty());
    c.handle_dial(1, dial("100")).unwrap();
    c.handle_dial_media("out", LegId(1), RtpLegId(2), "127.0.0.1:20000".parse().unwrap()).unwrap();
    c.handle_invited("out", Err(()));
    let outs = drain(&mut c);
    assert_eq!(notices(&outs), [(1, "ended", "out".into(), Some(CallEndKind::Failed))]);
    // A far end that answers with nothing we speak is hung up on.
    c.handle_dial(1, dial("100")).unwrap();
    c.handle_dial_media("out", LegId(5), RtpLegId(6), "127.0.0.1:20000".parse().unwrap()).unwrap();
    let id = DialogId::for_test(8);
    c.handle_invited("out", Ok(id));
    drain(&mut c);
    c.handle_dialog_event(DialogEvent::Answered { id, sdp: Some(ANSWER.replace("0 101", "18").into_bytes()) });
    let outs = drain(&mut c);
    assert_eq!(sip(&outs), [&SipCommand::HangUp { dialog: id }]);
    assert!(c.is_empty());
    assert!(
        is_dialable("+44 20".replace(' ', "").as_str()) && is_dialable("*21#") && !is_dialable("+") && !is_dialable("")
    );
}

fn talking(c: &mut Calls) {
    c.handle_agent(1, true);
    ring(c, "A", 1);
    c.handle_answer(1, "A").unwrap();
    c.handle_media_ready("A", LegId(10), RtpLegId(20), "127.0.0.1:20000".parse().unwrap()).unwrap();
    drain(c);
}

fn live_updates(outs: &[Output]) -> Vec<shared::ws::LiveCall> {
    outs.iter()
        .filter_map(|o| match o {
            Output::Supervisors { msg: ServerMsg::LiveCallUpdated { call } } => Some(call.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn supervisors_watch_calls_live_from_ringing_to_gone() {
    use shared::ws::LiveCallState;
    let mut c = Calls::new();
    let outs = ring(&mut c, "A", 1);
    assert_eq!(live_updates(&outs)[0].state, LiveCallState::Ringing);
    c.handle_agent(1, true);
    c.handle_answer(1, "A").unwrap();
    let outs = drain(&mut c);
    let last = live_updates(&outs).pop().unwrap();
    assert_eq!((last.state, last.agent_id), (LiveCallState::Connecting, Some(1)));
    c.handle_media_ready("A", LegId(10), RtpLegId(20), "127.0.0.1:20000".parse().unwrap()).unwrap();
    assert_eq!(live_updates(&drain(&mut c)).pop().unwrap().state, LiveCallState::Talking);
    assert_eq!(c.live_calls().len(), 1);
    c.handle_hang_up(1, "A").unwrap();
    let outs = drain(&mut c);
    assert!(
        outs.iter().any(
            |o| matches!(o, Output::Supervisors { msg: ServerMsg::LiveCallRemoved { call_id } } if call_id == "A")
        )
    );
    assert!(c.live_calls().is_empty());
}

#[test]
fn a_supervisor_joins_changes_mode_and_leaves_with_the_call() {
    use shared::ws::SuperviseMode;
    let mut c = Calls::new();
    c.handle_agent(1, true);
    ring(&mut c, "A", 1);
    assert_eq!(c.handle_supervise(7, "A", SuperviseMode::Listen), Err(CallError::WrongState), "not while it rings");
    c.handle_answer(1, "A").unwrap();
    c.handle_media_ready("A", LegId(10), RtpLegId(20), "127.0.0.1:20000".parse().unwrap()).unwrap();
    drain(&mut c);
    assert_eq!(c.handle_supervise(7, "A", SuperviseMode::Listen), Ok(RtpLegId(20)));
    assert_eq!(c.handle_supervise(7, "A", SuperviseMode::Listen), Err(CallError::WrongState), "once");
    assert_eq!(c.handle_supervise(1, "A", SuperviseMode::Listen), Err(CallError::WrongState), "not the agent");
    c.handle_supervision_ready(7, "A", LegId(30)).unwrap();
    assert_eq!(live_updates(&drain(&mut c)).pop().unwrap().supervisors, vec![7]);
    c.handle_supervise_mode(7, "A", SuperviseMode::Whisper).unwrap();
    let outs = drain(&mut c);
    assert!(outs.contains(&Output::MediaSupervise { rtp: RtpLegId(20), leg: LegId(30), mode: SuperviseMode::Whisper }));
    // The supervisor's own leg ending takes them off, not the call.
    c.handle_leg_ended(LegId(30), EndReason::Disconnected);
    let outs = drain(&mut c);
    assert!(outs.iter().any(|o| matches!(o, Output::Notify { agent: 7, msg: ServerMsg::SupervisionEnded { .. } })));
    assert_eq!(c.len(), 1);
    // Back on; the call ends: their leg is closed and they are told.
    c.handle_supervise(7, "A", SuperviseMode::Barge).unwrap();
    c.handle_supervision_ready(7, "A", LegId(31)).unwrap();
    drain(&mut c);
    c.handle_dialog_event(DialogEvent::Terminated { id: DialogId::for_test(1), reason: Reason::RemoteBye });
    let outs = drain(&mut c);
    assert!(outs.contains(&Output::Release { browser: Some(LegId(31)), rtp: None }));
    assert!(outs.iter().any(|o| matches!(o, Output::Notify { agent: 7, msg: ServerMsg::SupervisionEnded { .. } })));
    assert_eq!(c.handle_supervision_ready(7, "A", LegId(32)), Err(CallError::Gone));
}

fn coaching(outs: &[Output]) -> Vec<(i64, Option<shared::ws::SuperviseMode>)> {
    outs.iter()
        .filter_map(|o| match o {
            Output::Notify { agent, msg: ServerMsg::CallCoaching { mode, .. } } => Some((*agent, *mode)),
            _ => None,
        })
        .collect()
}

#[test]
fn the_agent_is_told_when_a_supervisor_speaks_to_them_but_not_when_one_listens() {
    use shared::ws::SuperviseMode::{Barge, Listen, Whisper};
    let mut c = Calls::new();
    c.handle_agent(1, true);
    ring(&mut c, "A", 1);
    c.handle_answer(1, "A").unwrap();
    c.handle_media_ready("A", LegId(10), RtpLegId(20), "127.0.0.1:20000".parse().unwrap()).unwrap();
    drain(&mut c);
    c.handle_supervise(7, "A", Listen).unwrap();
    c.handle_supervision_ready(7, "A", LegId(30)).unwrap();
    assert_eq!(coaching(&drain(&mut c)), [], "silent listening is not told");
    c.handle_supervise_mode(7, "A", Whisper).unwrap();
    assert_eq!(coaching(&drain(&mut c)), [(1, Some(Whisper))]);
    // A second supervisor barging outranks the whisper.
    c.handle_supervise(8, "A", Barge).unwrap();
    assert_eq!(coaching(&drain(&mut c)), [], "not before their leg is in");
    c.handle_supervision_ready(8, "A", LegId(31)).unwrap();
    assert_eq!(coaching(&drain(&mut c)), [(1, Some(Barge))]);
    c.handle_supervise_stop(8, "A").unwrap();
    assert_eq!(coaching(&drain(&mut c)), [(1, Some(Whisper))]);
    c.handle_supervise_mode(7, "A", Listen).unwrap();
    assert_eq!(coaching(&drain(&mut c)), [(1, None)]);
    c.handle_supervise_stop(7, "A").unwrap();
    assert_eq!(coaching(&drain(&mut c)), [], "nothing changed for the agent");
}

#[test]
fn recording_is_started_paused_and_stopped_by_the_agent_or_a_supervisor_only() {
    use shared::ws::{RecordAction, RecordingState};
    let mut c = Calls::new();
    talking(&mut c);
    assert_eq!(c.handle_record(2, false, "A", RecordAction::Start), Err(CallError::Gone), "another agent");
    c.handle_record(1, false, "A", RecordAction::Start).unwrap();
    let outs = drain(&mut c);
    assert!(
        outs.contains(&Output::Record { rtp: RtpLegId(20), command: RecordCommand::Start { call_id: "A".into() } })
    );
    let state = |outs: &[Output]| {
        outs.iter().find_map(|o| match o {
            Output::Notify { agent: 1, msg: ServerMsg::CallRecording { state, .. } } => Some(*state),
            _ => None,
        })
    };
    assert_eq!(state(&outs), Some(RecordingState::Recording));
    c.handle_record(9, true, "A", RecordAction::Pause).unwrap();
    let outs = drain(&mut c);
    assert!(outs.contains(&Output::Record { rtp: RtpLegId(20), command: RecordCommand::Pause(true) }));
    assert_eq!(state(&outs), Some(RecordingState::Paused), "the agent hears a supervisor paused it");
    assert_eq!(c.handle_record(1, false, "A", RecordAction::Start), Ok(()), "already on: nothing to do");
    c.handle_record(1, false, "A", RecordAction::Resume).unwrap();
    c.handle_record(1, false, "A", RecordAction::Stop).unwrap();
    let outs = drain(&mut c);
    assert!(outs.contains(&Output::Record { rtp: RtpLegId(20), command: RecordCommand::Stop }));
    assert_eq!(c.handle_record(1, false, "A", RecordAction::Pause), Err(CallError::WrongState));
    c.handle_record(1, false, "A", RecordAction::Start).unwrap();
    drain(&mut c);
    c.handle_record_failed("A");
    assert_eq!(state(&drain(&mut c)), Some(RecordingState::Off));
}

#[test]
fn a_transferred_call_rings_for_its_target_then_joins_the_same_caller_leg() {
    let mut c = Calls::new();
    talking(&mut c);
    c.handle_agent(2, true);
    c.handle_agent(3, true);
    drain(&mut c);
    assert_eq!(c.handle_transfer(1, "A", 1), Err(CallError::TargetUnavailable));
    assert_eq!(c.handle_transfer(1, "A", 9), Err(CallError::TargetUnavailable), "not connected");
    assert_eq!(c.handle_transfer(2, "A", 3), Err(CallError::Gone), "not theirs");
    c.handle_transfer(1, "A", 2).unwrap();
    let outs = drain(&mut c);
    let hold = outs.iter().position(|o| *o == Output::MediaHold { rtp: RtpLegId(20), held: true }).unwrap();
    let release = outs.iter().position(|o| *o == Output::Release { browser: Some(LegId(10)), rtp: None }).unwrap();
    assert!(hold < release, "the music starts before the old leg goes");
    let n = notices(&outs);
    assert!(n.contains(&(1, "ended", "A".into(), Some(CallEndKind::Transferred))));
    assert!(n.contains(&(2, "ringing", "A".into(), None)));
    assert!(!n.iter().any(|x| x.0 == 3), "it rings for the target only");
    assert!(sip(&outs).is_empty(), "the carrier sees nothing");

    assert_eq!(
        c.handle_answer(2, "A"),
        Ok(AnswerMedia::Reuse { rtp: RtpLegId(20), local: "127.0.0.1:20000".parse().unwrap() })
    );
    c.handle_media_ready("A", LegId(11), RtpLegId(20), "127.0.0.1:20000".parse().unwrap()).unwrap();
    let outs = drain(&mut c);
    assert!(sip(&outs).is_empty(), "no second answer to the carrier");
    assert!(outs.contains(&Output::MediaHold { rtp: RtpLegId(20), held: false }));
    c.handle_hang_up(2, "A").unwrap();
    let outs = drain(&mut c);
    assert_eq!(sip(&outs), [&SipCommand::HangUp { dialog: DialogId::for_test(1) }]);
    assert!(outs.contains(&Output::Release { browser: Some(LegId(11)), rtp: Some(RtpLegId(20)) }));
}

#[test]
fn a_declined_transfer_rings_for_everyone_and_a_caller_gone_meanwhile_releases_the_leg() {
    let mut c = Calls::new();
    talking(&mut c);
    c.handle_agent(2, true);
    c.handle_agent(3, true);
    c.handle_transfer(1, "A", 2).unwrap();
    drain(&mut c);
    c.handle_decline(2, "A").unwrap();
    let rung: Vec<i64> = notices(&drain(&mut c)).iter().filter(|n| n.1 == "ringing").map(|n| n.0).collect();
    assert_eq!(rung, [1, 3], "every free agent but the one who declined");
    c.handle_dialog_event(DialogEvent::Terminated { id: DialogId::for_test(1), reason: Reason::RemoteBye });
    let outs = drain(&mut c);
    assert!(outs.contains(&Output::Release { browser: None, rtp: Some(RtpLegId(20)) }));
    assert!(c.is_empty());
}

/// A flow with a menu whose "1" queues the call in "support".
fn support_flow() -> Arc<Flow> {
    let json = r#"{ "name": "main", "start": "menu", "language": "en", "nodes": {
        "menu": { "type": "menu", "prompt": "menu_main", "options": { "1": "support" }, "on_fail": "bye" },
        "support": { "type": "queue", "queue": "support" },
        "bye": { "type": "hang_up" } } }"#;
    Arc::new(Flow::parse(json).unwrap())
}

fn plays(outs: &[Output]) -> Vec<(u64, Vec<String>)> {
    outs.iter()
        .filter_map(|o| match o {
            Output::Play { id, prompts, .. } => Some((*id, prompts.clone())),
            _ => None,
        })
        .collect()
}

#[test]
fn a_call_with_an_entry_point_walks_the_ivr_then_rings_the_agent_its_queue_picks() {
    use shared::routing::{AgentProfile, Membership, QueueConfig};
    let mut c = Calls::new();
    c.advance(1_000_000);
    c.set_queue(QueueConfig { name: "support".into(), ..QueueConfig::default() }).unwrap();
    let member = AgentProfile { queues: vec![Membership { queue: "support".into(), order: 0 }], skills: vec![] };
    c.set_agent_profile(5, member);
    c.handle_presence(5, true, true, None);
    c.handle_presence(6, true, true, None);
    drain(&mut c);

    c.handle_incoming("A".into(), String::new(), 42, incoming(7, Some(OFFER)), Some(support_flow()), None);
    let outs = drain(&mut c);
    assert!(
        matches!(outs.as_slice(), [Output::Track { what: Tracked::Started { .. }, .. }, Output::OpenCaller { call_id, .. }, ..] if call_id == "A"),
        "{outs:?}"
    );
    assert!(notices(&outs).is_empty(), "nobody rings during the IVR");
    assert!(sip(&outs).is_empty(), "answered once the caller's media is up");

    let local: SocketAddr = "127.0.0.1:20000".parse().unwrap();
    c.handle_caller_media("A", Ok((RtpLegId(3), local)));
    let outs = drain(&mut c);
    assert!(matches!(sip(&outs).as_slice(), [SipCommand::Accept { dialog, .. }] if *dialog == DialogId::for_test(7)));
    let menu = plays(&outs);
    assert_eq!(menu.len(), 1);
    assert_eq!(menu[0].1, ["menu_main"]);
    c.handle_play_done(RtpLegId(3), menu[0].0);
    assert!(drain(&mut c).is_empty(), "the menu waits for a key");

    c.handle_digit(RtpLegId(3), '1');
    let outs = drain(&mut c);
    assert!(outs.contains(&Output::Music { rtp: RtpLegId(3), on: true }), "{outs:?}");
    assert_eq!(notices(&outs), [(5, "ringing", "A".to_owned(), None)], "the member only, not agent 6");
    let Some(ServerMsg::CallRinging { call }) = outs.iter().find_map(|o| match o {
        Output::Notify { msg, .. } => Some(msg),
        _ => None,
    }) else {
        panic!()
    };
    assert_eq!(call.queue.as_deref(), Some("support"));
    let announcement = plays(&outs);
    assert_eq!(announcement.len(), 1, "position and wait: {outs:?}");
    assert_eq!(announcement[0].1[0], crate::prompts::id::YOUR_POSITION);

    assert_eq!(c.handle_answer(6, "A"), Err(CallError::Gone), "never offered to agent 6");
    assert_eq!(c.handle_answer(5, "A").unwrap(), AnswerMedia::Reuse { rtp: RtpLegId(3), local });
    c.handle_media_ready("A", LegId(9), RtpLegId(3), local).unwrap();
    let outs = drain(&mut c);
    assert!(outs.contains(&Output::MediaHold { rtp: RtpLegId(3), held: false }));
    assert_eq!(c.acd.agent_state(5).unwrap().0, crate::acd::AgentState::OnCall);

    c.handle_hang_up(5, "A").unwrap();
    drain(&mut c);
    assert_eq!(c.acd.agent_state(5).unwrap().0, crate::acd::AgentState::Available);
    assert_eq!(c.acd.waiting_len(), 0);
}

/// Call "A" (caller leg 3) waits in "support", whose whisper is
/// `whisper_support`, and rings agent 5; `local` is its RTP address.
fn waiting_in_a_whispering_queue() -> (Calls, SocketAddr) {
    use shared::routing::{AgentProfile, Membership, QueueConfig};
    let mut c = Calls::new();
    c.advance(1_000_000);
    let queue = QueueConfig {
        name: "support".into(),
        whisper_prompt: Some("whisper_support".into()),
        ..QueueConfig::default()
    };
    c.set_queue(queue).unwrap();
    let member = AgentProfile { queues: vec![Membership { queue: "support".into(), order: 0 }], skills: vec![] };
    c.set_agent_profile(5, member);
    c.handle_presence(5, true, true, None);
    drain(&mut c);
    c.handle_incoming("A".into(), String::new(), 42, incoming(7, Some(OFFER)), Some(support_flow()), None);
    let local: SocketAddr = "127.0.0.1:20000".parse().unwrap();
    c.handle_caller_media("A", Ok((RtpLegId(3), local)));
    drain(&mut c);
    c.handle_digit(RtpLegId(3), '1');
    drain(&mut c);
    (c, local)
}

#[test]
fn the_queues_whisper_plays_to_the_agent_before_the_caller_is_connected() {
    let (mut c, local) = waiting_in_a_whispering_queue();
    assert_eq!(c.whisper_prompt("A"), None, "only once an agent answers");
    assert_eq!(c.handle_answer(5, "A").unwrap(), AnswerMedia::Reuse { rtp: RtpLegId(3), local });
    assert_eq!(c.whisper_prompt("A").as_deref(), Some("whisper_support"));
    c.handle_media_ready("A", LegId(9), RtpLegId(3), local).unwrap();
    c.handle_whispering("A", LegId(9));
    drain(&mut c);
    // Until the whisper ends the legs are apart: nothing that needs them
    // together is allowed.
    assert_eq!(c.handle_hold(5, "A", true), Err(CallError::WrongState));
    assert_eq!(c.handle_send_digits(5, "A", "1"), Err(CallError::WrongState));
    assert_eq!(c.handle_transfer_to_queue(5, "A", "support"), Err(CallError::WrongState));
    assert!(c.handle_supervise(1, "A", shared::ws::SuperviseMode::Listen).is_err());
    // Another leg's clip ending changes nothing; this one's connects them.
    c.handle_whisper_done(LegId(8));
    assert!(drain(&mut c).is_empty());
    c.handle_whisper_done(LegId(9));
    assert_eq!(drain(&mut c), [Output::MoveAgent { browser: LegId(9), rtp: RtpLegId(3) }]);
    c.handle_whisper_done(LegId(9));
    assert!(drain(&mut c).is_empty(), "once");
    assert!(c.handle_hold(5, "A", true).is_ok(), "connected now");
}

#[test]
fn a_refreshed_page_during_the_whisper_is_connected_at_once() {
    let (mut c, local) = waiting_in_a_whispering_queue();
    c.handle_answer(5, "A").unwrap();
    c.handle_media_ready("A", LegId(9), RtpLegId(3), local).unwrap();
    c.handle_whispering("A", LegId(9));
    assert_eq!(c.handle_rejoin(5, "A").unwrap(), RtpLegId(3));
    c.handle_rejoined("A", LegId(10)).unwrap();
    drain(&mut c);
    assert!(c.handle_hold(5, "A", true).is_ok(), "the new leg is bridged: no whisper any more");
    c.handle_whisper_done(LegId(9));
    assert!(!drain(&mut c).iter().any(|o| matches!(o, Output::MoveAgent { .. })));
}

#[test]
fn a_caller_who_hangs_up_in_the_queue_is_withdrawn_from_the_agents_desk() {
    use shared::routing::{AgentProfile, Membership, QueueConfig};
    let mut c = Calls::new();
    c.advance(1_000_000);
    c.set_queue(QueueConfig { name: "support".into(), ..QueueConfig::default() }).unwrap();
    c.set_agent_profile(
        5,
        AgentProfile { queues: vec![Membership { queue: "support".into(), order: 0 }], skills: vec![] },
    );
    c.handle_presence(5, true, true, None);
    c.handle_incoming("A".into(), String::new(), 42, incoming(7, Some(OFFER)), Some(support_flow()), None);
    c.handle_caller_media("A", Ok((RtpLegId(3), "127.0.0.1:20000".parse().unwrap())));
    c.handle_digit(RtpLegId(3), '1');
    drain(&mut c);
    c.handle_dialog_event(DialogEvent::Terminated { id: DialogId::for_test(7), reason: Reason::RemoteBye });
    let outs = drain(&mut c);
    assert!(notices(&outs).iter().any(|n| n.0 == 5 && n.1 == "ended"), "{outs:?}");
    assert!(
        outs.iter().any(|o| matches!(o, Output::Track { what: Tracked::Ended { disposition, ended_by, .. }, .. }
            if *disposition == shared::records::Disposition::Abandoned && *ended_by == shared::records::EndedBy::Caller)),
        "abandoned in the queue: {outs:?}"
    );
    assert!(outs.contains(&Output::Release { browser: None, rtp: Some(RtpLegId(3)) }));
    assert_eq!(c.acd.agent_state(5).unwrap().0, crate::acd::AgentState::Available);
    assert_eq!(c.acd.waiting_len(), 0);

    // Media that comes up after the caller left is closed.
    c.handle_incoming("B".into(), String::new(), 43, incoming(8, Some(OFFER)), Some(support_flow()), None);
    c.handle_dialog_event(DialogEvent::Terminated { id: DialogId::for_test(8), reason: Reason::RemoteBye });
    let outs = drain(&mut c);
    let tracked: Vec<&Tracked> = outs
        .iter()
        .filter_map(|o| match o {
            Output::Track { call_id, what, .. } if call_id == "B" => Some(what),
            _ => None,
        })
        .collect();
    assert!(
        matches!(tracked.as_slice(), [Tracked::Started { .. }, Tracked::Ended { disposition, .. }]
            if *disposition == shared::records::Disposition::IvrHangUp),
        "{tracked:?}"
    );
    c.handle_caller_media("B", Ok((RtpLegId(4), "127.0.0.1:20002".parse().unwrap())));
    assert_eq!(drain(&mut c), [Output::Release { browser: None, rtp: Some(RtpLegId(4)) }]);
}

#[test]
fn a_voicemail_ends_with_the_hash_key_or_at_its_length_limit() {
    let flow = Arc::new(
        Flow::parse(
            r#"{ "name": "vm", "start": "vm", "nodes": { "vm": { "type": "voicemail", "mailbox": "agent:7" } } }"#,
        )
        .unwrap(),
    );
    for bad in ["agent:x", "number:123", "box:1", "queue:a b"] {
        let json = format!(
            r#"{{ "name": "vm", "start": "vm", "nodes": {{ "vm": {{ "type": "voicemail", "mailbox": "{bad}" }} }} }}"#
        );
        let e = Flow::parse(&json).unwrap_err();
        assert_eq!(e.node.as_deref(), Some("vm"), "{bad}: {e}");
    }
    for by_key in [true, false] {
        let mut c = Calls::new();
        c.advance(5_000);
        c.handle_incoming("A".into(), String::new(), 42, incoming(7, Some(OFFER)), Some(flow.clone()), None);
        c.handle_caller_media("A", Ok((RtpLegId(3), "127.0.0.1:20000".parse().unwrap())));
        let outs = drain(&mut c);
        let greeting = plays(&outs);
        assert_eq!(greeting.len(), 1, "{outs:?}");
        assert_eq!(greeting[0].1, [crate::prompts::id::VOICEMAIL_GREETING, crate::prompts::id::BEEP]);
        assert!(!outs.iter().any(|o| matches!(o, Output::RecordCaller { .. })), "not before the beep");
        c.handle_digit(RtpLegId(3), '#');
        assert!(
            drain(&mut c).iter().all(|o| !matches!(o, Output::SaveVoicemail { .. })),
            "# in the greeting is nothing"
        );
        c.handle_play_done(RtpLegId(3), greeting[0].0);
        assert_eq!(drain(&mut c), [Output::RecordCaller { call_id: "A".into(), rtp: RtpLegId(3) }]);
        if by_key {
            c.handle_digit(RtpLegId(3), '5');
            assert!(drain(&mut c).is_empty(), "other keys are part of the message");
            c.advance(9_000);
            c.handle_digit(RtpLegId(3), '#');
        } else {
            assert_eq!(c.poll_timeout(), Some(5_000 + voicemail::MAX_MS));
            c.advance(5_000 + voicemail::MAX_MS);
        }
        let outs = drain(&mut c);
        let saved = outs.iter().find_map(|o| match o {
            Output::SaveVoicemail { mailbox, at, .. } => Some((mailbox.clone(), *at)),
            _ => None,
        });
        let expected_at = if by_key { 9_000 } else { 5_000 + voicemail::MAX_MS };
        assert_eq!(
            saved,
            Some((Mailbox { kind: shared::records::MailboxKind::Agent, target: "7".into() }, expected_at))
        );
        let bye = plays(&outs);
        assert_eq!(bye.len(), 1);
        c.handle_play_done(RtpLegId(3), bye[0].0);
        let outs = drain(&mut c);
        assert!(sip(&outs).iter().any(|s| matches!(s, SipCommand::HangUp { .. })), "{outs:?}");
        assert!(outs.iter().any(|o| matches!(o, Output::Track { what: Tracked::Ended { disposition, .. }, .. }
            if *disposition == shared::records::Disposition::Voicemail)));
        assert!(!outs.iter().any(|o| matches!(o, Output::SaveVoicemail { .. })), "saved once");
    }
}

#[test]
fn a_waiting_caller_takes_a_callback_that_keeps_the_place_and_is_retried_when_busy() {
    use shared::records::{CallbackResult, Disposition};
    use shared::routing::{AgentProfile, Membership, QueueConfig};
    let mut c = Calls::new();
    c.advance(1_000_000);
    c.set_outbound("carrier".into(), "+441234567890".into());
    c.set_queue(QueueConfig { name: "support".into(), offer_callback: true, ..QueueConfig::default() }).unwrap();
    c.set_agent_profile(
        5,
        AgentProfile { queues: vec![Membership { queue: "support".into(), order: 0 }], skills: vec![] },
    );
    c.handle_presence(5, true, false, None);
    c.handle_incoming("A".into(), String::new(), 42, incoming(7, Some(OFFER)), Some(support_flow()), None);
    c.handle_caller_media("A", Ok((RtpLegId(3), "127.0.0.1:20000".parse().unwrap())));
    c.handle_digit(RtpLegId(3), '1');
    let outs = drain(&mut c);
    let announcement = plays(&outs).pop().unwrap();
    assert_eq!(announcement.1.last().map(String::as_str), Some(crate::prompts::id::CALLBACK_OFFER));

    c.handle_digit(RtpLegId(3), '9');
    let outs = drain(&mut c);
    let Some(Output::SaveCallback { key, number, entered, .. }) =
        outs.iter().find(|o| matches!(o, Output::SaveCallback { .. })).cloned()
    else {
        panic!("{outs:?}")
    };
    assert_eq!((number.as_str(), entered), ("+966501234567", 1_000_000), "the caller's number and place");
    let bye = plays(&outs);
    assert_eq!(bye.len(), 1);
    c.handle_play_done(RtpLegId(3), bye[0].0);
    let outs = drain(&mut c);
    assert!(sip(&outs).iter().any(|s| matches!(s, SipCommand::HangUp { .. })));
    assert!(
        outs.iter().any(|o| matches!(
            o,
            Output::Track { what: Tracked::Ended { disposition: Disposition::Callback, .. }, .. }
        ))
    );
    c.handle_callback_saved(key, 77);
    assert_eq!(c.acd.waiting_len(), 1, "the callback waits in the caller's place");

    // The agent is free: the callback rings as an outbound call.
    c.advance(1_010_000);
    c.handle_presence(5, true, true, None);
    let outs = drain(&mut c);
    let Some(ServerMsg::CallRinging { call }) = outs.iter().find_map(|o| match o {
        Output::Notify { agent: 5, msg } => Some(msg.clone()),
        _ => None,
    }) else {
        panic!("{outs:?}")
    };
    assert_eq!(
        (call.direction, call.to.as_str(), call.queue.as_deref()),
        (CallDirection::Outbound, "+966501234567", Some("support"))
    );
    assert_eq!(c.handle_answer(5, &call.call_id).unwrap(), AnswerMedia::Dial);
    assert!(drain(&mut c).contains(&Output::CallbackDialing { id: 77, agent: 5 }));
    c.handle_dial_media(&call.call_id, LegId(8), RtpLegId(9), "127.0.0.1:20002".parse().unwrap()).unwrap();
    let outs = drain(&mut c);
    assert!(sip(&outs).iter().any(|s| matches!(s, SipCommand::Invite { number, .. } if number == "+966501234567")));
    c.handle_invited(&call.call_id, Ok(DialogId::for_test(30)));
    let busy = Reason::Rejected(crate::sip::StatusCode::new(486).unwrap());
    c.handle_dialog_event(DialogEvent::Terminated { id: DialogId::for_test(30), reason: busy });
    let outs = drain(&mut c);
    assert!(
        outs.contains(&Output::CallbackResult {
            id: 77,
            result: CallbackResult::Busy,
            retry_at: Some(1_010_000 + callback::RETRY_MS)
        }),
        "{outs:?}"
    );
    // Later it rings again.
    c.advance(1_010_000 + callback::RETRY_MS);
    let outs = drain(&mut c);
    assert!(notices(&outs).iter().any(|n| n.0 == 5 && n.1 == "ringing"), "{outs:?}");
}

#[test]
fn stored_callbacks_join_their_queue_when_due_and_leave_when_cancelled() {
    use crate::calls::callback::Stored;
    use shared::routing::QueueConfig;
    let mut c = Calls::new();
    c.advance(1_000_000);
    c.set_outbound("carrier".into(), "+441234567890".into());
    c.set_queue(QueueConfig { name: "support".into(), ..QueueConfig::default() }).unwrap();
    let stored = |id: i64, not_before: Option<u64>| Stored {
        id,
        queue: "support".into(),
        number: "+905321234567".into(),
        customer: None,
        origin: None,
        position_at: 900_000,
        not_before,
        attempts: 0,
        interrupted: false,
    };
    c.sync_callbacks(vec![stored(1, None), stored(2, Some(1_060_000)), stored(3, None)]);
    assert_eq!(c.acd.waiting_len(), 2, "one is scheduled for later");
    c.sync_callbacks(vec![stored(1, None), stored(2, Some(1_060_000)), stored(3, None)]);
    assert_eq!(c.acd.waiting_len(), 2, "known ones are not added twice");
    assert_eq!(c.poll_timeout(), Some(1_060_000));
    c.advance(1_060_000);
    assert_eq!(c.acd.waiting_len(), 3, "due now");
    // Callback 3 was cancelled over the API.
    c.sync_callbacks(vec![stored(1, None), stored(2, Some(1_060_000))]);
    assert_eq!(c.acd.waiting_len(), 2);
    c.sync_callbacks(
        vec![stored(9, None)]
            .into_iter()
            .map(|mut s| {
                s.queue = "gone".into();
                s
            })
            .collect(),
    );
    assert_eq!(c.acd.waiting_len(), 0, "1 and 2 left too; 9's queue does not exist");
}

#[test]
fn the_flows_callback_node_books_a_callback_and_lets_the_caller_go() {
    use shared::records::Disposition;
    use shared::routing::QueueConfig;
    let flow = Arc::new(
        Flow::parse(
            r#"{ "name": "cb", "start": "cb", "nodes": { "cb": { "type": "callback", "queue": "support" } } }"#,
        )
        .unwrap(),
    );
    let mut c = Calls::new();
    c.advance(2_000_000);
    c.set_queue(QueueConfig { name: "support".into(), ..QueueConfig::default() }).unwrap();
    // Without an outbound trunk nobody could call back: an agent takes it.
    c.handle_incoming("A".into(), String::new(), 42, incoming(7, Some(OFFER)), Some(flow.clone()), None);
    c.handle_caller_media("A", Ok((RtpLegId(3), "127.0.0.1:20000".parse().unwrap())));
    assert!(!drain(&mut c).iter().any(|o| matches!(o, Output::SaveCallback { .. })));
    c.set_outbound("carrier".into(), "+441234567890".into());
    c.handle_incoming("B".into(), String::new(), 43, incoming(8, Some(OFFER)), Some(flow), None);
    c.handle_caller_media("B", Ok((RtpLegId(4), "127.0.0.1:20002".parse().unwrap())));
    let outs = drain(&mut c);
    assert!(
        outs.iter().any(|o| matches!(o, Output::SaveCallback { call_id, entered: 2_000_000, .. } if call_id == "B")),
        "{outs:?}"
    );
    let bye = plays(&outs).pop().unwrap();
    c.handle_play_done(RtpLegId(4), bye.0);
    let outs = drain(&mut c);
    assert!(sip(&outs).iter().any(|s| matches!(s, SipCommand::HangUp { dialog } if *dialog == DialogId::for_test(8))));
    assert!(outs.iter().any(|o| matches!(o, Output::Track { call_id, what: Tracked::Ended { disposition: Disposition::Callback, .. }, .. } if call_id == "B")));
    assert_eq!(c.acd.waiting_len(), 1, "the callback waits in support");
}

#[test]
fn a_callback_cancelled_while_it_rings_stops_ringing_and_an_answered_one_is_settled_once() {
    use crate::calls::callback::Stored;
    use shared::records::CallbackResult;
    use shared::routing::{AgentProfile, Membership, QueueConfig};
    let mut c = Calls::new();
    c.advance(1_000_000);
    c.set_outbound("carrier".into(), "+441234567890".into());
    c.set_queue(QueueConfig { name: "support".into(), ..QueueConfig::default() }).unwrap();
    c.set_agent_profile(
        5,
        AgentProfile { queues: vec![Membership { queue: "support".into(), order: 0 }], skills: vec![] },
    );
    c.handle_presence(5, true, true, None);
    let stored = |id: i64| Stored {
        id,
        queue: "support".into(),
        number: "+905321234567".into(),
        customer: None,
        origin: None,
        position_at: 900_000,
        not_before: None,
        attempts: 0,
        interrupted: false,
    };
    c.sync_callbacks(vec![stored(1)]);
    let outs = drain(&mut c);
    let ringing: Vec<_> = notices(&outs).into_iter().filter(|n| n.1 == "ringing").collect();
    assert_eq!(ringing.len(), 1);
    let call_id = ringing[0].2.clone();
    // Cancelled over the API while it rings: the desk stops, nobody dials.
    c.sync_callbacks(vec![]);
    let outs = drain(&mut c);
    assert!(notices(&outs).iter().any(|n| n.1 == "ended" && n.2 == call_id), "{outs:?}");
    assert_eq!(c.handle_answer(5, &call_id), Err(CallError::Gone));
    c.sync_callbacks(vec![stored(1)]);
    assert!(notices(&drain(&mut c)).is_empty(), "a cancelled callback is not taken again");

    // Another one is answered by the customer: done once, not dialed again.
    c.sync_callbacks(vec![stored(2)]);
    let outs = drain(&mut c);
    let call_id = notices(&outs).into_iter().find(|n| n.1 == "ringing").unwrap().2;
    assert_eq!(c.handle_answer(5, &call_id).unwrap(), AnswerMedia::Dial);
    c.handle_dial_media(&call_id, LegId(8), RtpLegId(9), "127.0.0.1:20002".parse().unwrap()).unwrap();
    c.handle_invited(&call_id, Ok(DialogId::for_test(30)));
    drain(&mut c);
    c.handle_dialog_event(DialogEvent::Answered { id: DialogId::for_test(30), sdp: Some(OFFER.as_bytes().to_vec()) });
    let outs = drain(&mut c);
    assert!(
        outs.contains(&Output::CallbackResult { id: 2, result: CallbackResult::Answered, retry_at: None }),
        "{outs:?}"
    );
    c.handle_hang_up(5, &call_id).unwrap();
    let outs = drain(&mut c);
    assert!(!outs.iter().any(|o| matches!(o, Output::CallbackResult { .. })), "settled once: {outs:?}");
    c.sync_callbacks(vec![stored(2)]);
    assert!(notices(&drain(&mut c)).iter().all(|n| n.1 != "ringing"), "not dialed again");
}

#[test]
fn a_callback_interrupted_by_a_restart_is_reported_failed_and_tried_again() {
    use crate::calls::callback::Stored;
    use shared::records::CallbackResult;
    use shared::routing::QueueConfig;
    let mut c = Calls::new();
    c.advance(3_000_000);
    c.set_outbound("carrier".into(), "+441234567890".into());
    c.set_queue(QueueConfig { name: "support".into(), ..QueueConfig::default() }).unwrap();
    let row = Stored {
        id: 4,
        queue: "support".into(),
        number: "+905321234567".into(),
        customer: None,
        origin: None,
        position_at: 900_000,
        not_before: None,
        attempts: 1,
        interrupted: true,
    };
    c.sync_callbacks(vec![row.clone()]);
    let outs = drain(&mut c);
    assert!(outs.contains(&Output::CallbackResult {
        id: 4,
        result: CallbackResult::Failed,
        retry_at: Some(3_000_000)
    }));
    assert_eq!(c.acd.waiting_len(), 1, "and it waits for an agent again");
    c.sync_callbacks(vec![row]);
    assert!(!drain(&mut c).iter().any(|o| matches!(o, Output::CallbackResult { .. })), "reported once");
}

#[test]
fn a_withheld_number_is_not_offered_a_callback() {
    use shared::routing::QueueConfig;
    let mut c = Calls::new();
    c.advance(1_000_000);
    c.set_outbound("carrier".into(), "+441234567890".into());
    c.set_queue(QueueConfig { name: "support".into(), offer_callback: true, ..QueueConfig::default() }).unwrap();
    let mut anonymous = incoming(7, Some(OFFER));
    anonymous.caller.number = "anonymous".into();
    c.handle_incoming("A".into(), String::new(), 42, anonymous, Some(support_flow()), None);
    c.handle_caller_media("A", Ok((RtpLegId(3), "127.0.0.1:20000".parse().unwrap())));
    c.handle_digit(RtpLegId(3), '1');
    let outs = drain(&mut c);
    let announcement = plays(&outs).pop().unwrap();
    assert!(!announcement.1.iter().any(|p| p == crate::prompts::id::CALLBACK_OFFER), "no offer to make");
    c.handle_digit(RtpLegId(3), '9');
    assert!(!drain(&mut c).iter().any(|o| matches!(o, Output::SaveCallback { .. })));
    assert_eq!(c.acd.waiting_len(), 1, "still waiting as a call");
}

#[test]
fn desks_hear_of_missed_offers_and_wrap_ups_which_agents_extend_and_end() {
    use shared::routing::{AgentProfile, Membership, QueueConfig, Strategy};
    use shared::ws::AgentActivity;
    let activities = |outs: &[Output]| -> Vec<(i64, AgentActivity, Option<u64>, Option<String>)> {
        outs.iter()
            .filter_map(|o| match o {
                Output::AgentActivity { agent, activity, wrap_up_ends, wrap_up_call, .. } => {
                    Some((*agent, *activity, *wrap_up_ends, wrap_up_call.clone()))
                }
                _ => None,
            })
            .collect()
    };
    let mut c = Calls::new();
    let t0 = 1_000_000;
    c.advance(t0);
    let q = QueueConfig {
        name: "support".into(),
        strategy: Strategy::TopDown,
        ring_timeout_secs: 10,
        wrap_up_secs: 30,
        ..QueueConfig::default()
    };
    c.set_queue(q).unwrap();
    for (agent, order) in [(5, 0), (6, 1)] {
        let member = AgentProfile { queues: vec![Membership { queue: "support".into(), order }], skills: vec![] };
        c.set_agent_profile(agent, member);
        c.handle_presence(agent, true, true, None);
    }
    drain(&mut c);
    c.handle_incoming("A".into(), String::new(), 42, incoming(7, Some(OFFER)), Some(support_flow()), None);
    c.handle_caller_media("A", Ok((RtpLegId(3), "127.0.0.1:20000".parse().unwrap())));
    c.handle_digit(RtpLegId(3), '1');
    let outs = drain(&mut c);
    assert_eq!(activities(&outs), [(5, AgentActivity::Ringing, None, None)], "top-down: agent 5 first");
    assert!(outs.iter().any(|o| matches!(o, Output::Track { what: Tracked::Offered { agent: 5 }, .. })));

    // Agent 5 lets it ring out: missed, and the call rings for agent 6.
    c.advance(t0 + 10_000);
    let outs = drain(&mut c);
    let acts = activities(&outs);
    assert!(acts.contains(&(5, AgentActivity::Missed, None, None)), "{acts:?}");
    assert!(acts.contains(&(6, AgentActivity::Ringing, None, None)), "{acts:?}");
    assert!(outs.iter().any(|o| matches!(o, Output::Track { what: Tracked::OfferExpired { agent: 5 }, .. })));
    assert!(!outs.iter().any(|o| matches!(o, Output::AgentMissed { .. })), "one miss does not make not ready");
    // Choosing a status acknowledges it.
    c.handle_presence(5, true, true, None);
    assert_eq!(activities(&drain(&mut c)), [(5, AgentActivity::Idle, None, None)]);

    let local: SocketAddr = "127.0.0.1:20000".parse().unwrap();
    c.handle_answer(6, "A").unwrap();
    c.handle_media_ready("A", LegId(9), RtpLegId(3), local).unwrap();
    c.advance(t0 + 70_000);
    c.handle_hang_up(6, "A").unwrap();
    let acts = activities(&drain(&mut c));
    let ends = t0 + 70_000 + 30_000;
    assert_eq!(acts.last(), Some(&(6, AgentActivity::WrapUp, Some(ends), Some("A".to_owned()))), "{acts:?}");

    for n in 1..=shared::ws::WRAP_UP_EXTENSIONS as u64 {
        c.extend_wrap_up(6).unwrap();
        let want = (6, AgentActivity::WrapUp, Some(ends + n * super::engine::WRAP_UP_EXTEND_MS), Some("A".to_owned()));
        assert_eq!(activities(&drain(&mut c)), [want]);
    }
    assert_eq!(c.extend_wrap_up(6), Err(CallError::WrongState), "out of extensions");
    assert_eq!(c.extend_wrap_up(5), Err(CallError::WrongState), "not wrapping up");
    assert_eq!(c.wrap_up_done(6, "B"), Err(CallError::Gone), "not their call");
    c.wrap_up_done(6, "A").unwrap();
    assert_eq!(activities(&drain(&mut c)), [(6, AgentActivity::Idle, None, None)]);
    assert_eq!(c.acd.agent_state(6).unwrap().0, crate::acd::AgentState::Available, "back to the status they had");
}

/// What a web caller's widget was told, in order.
fn phases(outs: &[Output]) -> Vec<CallerPhase> {
    outs.iter()
        .filter_map(|o| match o {
            Output::CallerState { phase, .. } => Some(*phase),
            _ => None,
        })
        .collect()
}

#[test]
fn a_web_caller_the_site_vouched_for_is_known_speaks_their_language_and_hears_each_phase() {
    use shared::routing::{AgentProfile, Membership, QueueConfig};
    let mut c = Calls::new();
    c.advance(1_000_000);
    c.set_queue(QueueConfig { name: "support".into(), survey_flow: Some("rate".into()), ..QueueConfig::default() })
        .unwrap();
    c.set_agent_profile(
        5,
        AgentProfile { queues: vec![Membership { queue: "support".into(), order: 0 }], skills: vec![] },
    );
    c.handle_presence(5, true, true, None);
    drain(&mut c);

    let web = DialogId::web(1);
    assert!(web.is_web() && !DialogId::for_test(1).is_web());
    let mut call = incoming(0, Some(OFFER));
    call.dialog = web;
    call.caller = identity::Caller { number: "web".into(), name: None };
    call.dialed = "web:demo".into();
    call.web = Some(WebCaller {
        page: Some("https://shop.example/help".into()),
        language: Some("fa".into()),
        customer_code: Some("1001".into()),
    });
    let known = crate::ivr::CustomerRef { id: 77, name: "Youssef Al-Amin".into(), code: Some("1001".into()) };
    let flow = r#"{ "name": "web", "start": "who", "language": "en", "nodes": {
        "who": { "type": "identify", "by": "caller", "found": "menu", "not_found": "bye" },
        "menu": { "type": "menu", "prompt": "menu_main", "options": { "1": "support" }, "on_fail": "bye" },
        "support": { "type": "queue", "queue": "support" },
        "bye": { "type": "hang_up" } } }"#;
    c.handle_incoming("W".into(), String::new(), 42, call, Some(Arc::new(Flow::parse(flow).unwrap())), Some(known));
    let outs = drain(&mut c);
    assert!(phases(&outs).is_empty(), "nothing to show while the media opens: {outs:?}");

    c.handle_caller_media("W", Ok((RtpLegId(3), "127.0.0.1:20000".parse().unwrap())));
    let outs = drain(&mut c);
    assert!(
        outs.iter().all(|o| !matches!(o, Output::LookupCustomer { .. })),
        "the vouched-for customer needs no lookup: {outs:?}"
    );
    let menu = outs
        .iter()
        .find_map(|o| match o {
            Output::Play { language, prompts, .. } => Some((language.clone(), prompts.clone())),
            _ => None,
        })
        .expect("the menu plays");
    assert_eq!(
        menu,
        ("fa".to_owned(), vec!["menu_main".to_owned()]),
        "identified, then the menu, in the page's language"
    );
    assert_eq!(phases(&outs), [CallerPhase::Menu]);
    assert!(outs.iter().all(|o| match o {
        Output::CallerState { dialog, .. } => *dialog == web,
        _ => true,
    }));

    c.handle_digit(RtpLegId(3), '1');
    let outs = drain(&mut c);
    assert_eq!(phases(&outs), [CallerPhase::Waiting], "{outs:?}");
    let Some(ServerMsg::CallRinging { call }) = outs.iter().find_map(|o| match o {
        Output::Notify { msg, .. } => Some(msg),
        _ => None,
    }) else {
        panic!("it rings agent 5: {outs:?}")
    };
    assert_eq!(call.customer_id, Some(77));
    assert_eq!(call.customer_name.as_deref(), Some("Youssef Al-Amin"));
    assert_eq!(call.page.as_deref(), Some("https://shop.example/help"), "the agent sees the page");
    assert_eq!(call.language.as_deref(), Some("fa"));

    let local: SocketAddr = "127.0.0.1:20000".parse().unwrap();
    assert_eq!(c.handle_answer(5, "W").unwrap(), AnswerMedia::Reuse { rtp: RtpLegId(3), local });
    c.handle_media_ready("W", LegId(9), RtpLegId(3), local).unwrap();
    assert_eq!(phases(&drain(&mut c)), [CallerPhase::Agent]);

    c.handle_hold(5, "W", true).unwrap();
    let outs = drain(&mut c);
    assert!(matches!(sip(&outs).as_slice(), [SipCommand::Reinvite { dialog, .. }] if *dialog == web));
    c.handle_dialog_event(DialogEvent::ReInviteAnswered { id: web, sdp: None });
    assert_eq!(phases(&drain(&mut c)), [CallerPhase::Held]);
    c.handle_hold(5, "W", false).unwrap();
    drain(&mut c);
    c.handle_dialog_event(DialogEvent::ReInviteAnswered { id: web, sdp: None });
    assert_eq!(phases(&drain(&mut c)), [CallerPhase::Agent]);

    // The agent hangs up: the survey (its flow loaded by the driver).
    c.handle_hang_up(5, "W").unwrap();
    let outs = drain(&mut c);
    assert!(outs.iter().any(|o| matches!(o, Output::LoadSurvey { .. })), "{outs:?}");
    assert_eq!(phases(&outs), [CallerPhase::Survey]);
}

#[test]
fn a_waiting_caller_hears_all_agents_are_busy_only_when_nobody_can_take_the_call() {
    use shared::routing::{AgentProfile, Membership, QueueConfig};
    let mut c = Calls::new();
    c.advance(1_000_000);
    c.set_queue(QueueConfig { name: "support".into(), ..QueueConfig::default() }).unwrap();
    c.set_agent_profile(
        5,
        AgentProfile { queues: vec![Membership { queue: "support".into(), order: 0 }], skills: vec![] },
    );
    c.handle_presence(5, true, true, None);
    // Agent 5 takes the first call and is busy with it.
    c.handle_incoming("A".into(), String::new(), 42, incoming(7, Some(OFFER)), Some(support_flow()), None);
    c.handle_caller_media("A", Ok((RtpLegId(3), "127.0.0.1:20000".parse().unwrap())));
    drain(&mut c);
    c.handle_digit(RtpLegId(3), '1');
    let outs = drain(&mut c);
    let first = plays(&outs);
    assert_eq!(first[0].1[0], crate::prompts::id::YOUR_POSITION, "agent 5 rings for it: not all busy");
    let local: SocketAddr = "127.0.0.1:20000".parse().unwrap();
    c.handle_answer(5, "A").unwrap();
    c.handle_media_ready("A", LegId(9), RtpLegId(3), local).unwrap();
    drain(&mut c);

    c.handle_incoming("B".into(), String::new(), 43, incoming(8, Some(OFFER)), Some(support_flow()), None);
    c.handle_caller_media("B", Ok((RtpLegId(4), "127.0.0.1:20002".parse().unwrap())));
    drain(&mut c);
    c.handle_digit(RtpLegId(4), '1');
    let outs = drain(&mut c);
    let told = plays(&outs);
    assert_eq!(told.len(), 1, "{outs:?}");
    assert_eq!(told[0].1[0], crate::prompts::id::ALL_AGENTS_BUSY);
    assert!(told[0].1.iter().any(|p| p == crate::prompts::id::ESTIMATED_WAIT), "and the wait: {:?}", told[0].1);
    let recorded = outs.iter().find_map(|o| match o {
        Output::Track { call_id, what: Tracked::Announced { all_busy, wait_secs, prompts, .. }, .. }
            if call_id == "B" =>
        {
            Some((*all_busy, *wait_secs, prompts.clone()))
        }
        _ => None,
    });
    let (all_busy, wait_secs, prompts) = recorded.expect("the announcement is in the timeline");
    assert!(all_busy);
    assert_eq!(prompts, told[0].1, "the timeline keeps what was played");
    // Agent 5 has just started a call; the queue's handle time starts at 180 s.
    assert_eq!(wait_secs, Some(180));
    assert_eq!(c.wait_estimate("support").map(|e| (e.waiting, e.wait_secs)), Some((1, Some(360))), "a third caller");
    assert_eq!(c.wait_estimate("nope"), None);
}

/// Agent 1 talking on call "A" (dialog 1, caller's RTP leg 3, her leg 8),
/// with an outbound trunk to send calls on through.
fn talking_with_outbound() -> Calls {
    let mut c = Calls::new();
    c.set_outbound("carrier".into(), "+442071234567".into());
    c.handle_agent(1, true);
    ring(&mut c, "A", 1);
    c.handle_answer(1, "A").unwrap();
    c.handle_media_ready("A", LegId(8), RtpLegId(3), "127.0.0.1:20000".parse().unwrap()).unwrap();
    c
}

const FAR_ANSWER: &str = "v=0\r\no=- 9 9 IN IP4 192.0.2.9\r\ns=-\r\nc=IN IP4 192.0.2.9\r\nt=0 0\r\n\
                          m=audio 41000 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\n";

#[test]
fn a_call_sent_on_to_a_number_is_bridged_rtp_to_rtp_and_either_side_ends_it() {
    let mut c = Calls::new();
    c.set_outbound("carrier".into(), "+442071234567".into());
    c.handle_agent(1, true);
    ring(&mut c, "A", 1);
    c.handle_answer(1, "A").unwrap();
    let local: SocketAddr = "127.0.0.1:20000".parse().unwrap();
    c.handle_media_ready("A", LegId(8), RtpLegId(3), local).unwrap();
    drain(&mut c);

    assert_eq!(c.handle_transfer_to_number(1, "A", "call me"), Err(CallError::BadNumber));
    assert_eq!(c.handle_transfer_to_number(2, "A", "+15551234"), Err(CallError::Gone), "not agent 2's call");
    c.handle_transfer_to_number(1, "A", "+15551234").unwrap();
    let outs = drain(&mut c);
    assert!(outs.contains(&Output::OpenFar { call_id: "A".into() }), "{outs:?}");
    assert!(outs.contains(&Output::Release { browser: Some(LegId(8)), rtp: None }), "the agent's leg goes");
    assert!(outs.contains(&Output::Music { rtp: RtpLegId(3), on: true }), "the caller hears music");
    assert_eq!(notices(&outs), [(1, "ended", "A".into(), Some(CallEndKind::Transferred))]);
    assert!(outs.iter().any(|o| matches!(o,
        Output::Track { what: Tracked::TransferredToNumber { from: Some(1), number }, .. } if number == "+15551234")));

    let far: SocketAddr = "127.0.0.1:20002".parse().unwrap();
    c.handle_far_media("A", Ok((RtpLegId(4), far)));
    let outs = drain(&mut c);
    let [SipCommand::Invite { call_id, number, caller_id, sdp }] = sip(&outs).as_slice() else { panic!("{outs:?}") };
    assert_eq!((call_id.as_str(), number.as_str(), caller_id.as_str()), ("A#far", "+15551234", "+442071234567"));
    assert!(String::from_utf8_lossy(sdp).contains("m=audio 20002 "), "our far leg's port is offered");
    c.handle_invited("A#far", Ok(DialogId::for_test(50)));
    c.handle_dialog_event(DialogEvent::Ringing {
        id: DialogId::for_test(50),
        status: crate::sip::StatusCode::new(180).unwrap(),
        sdp: None,
    });
    assert!(notices(&drain(&mut c)).is_empty(), "the agent is gone: nobody to tell");

    c.handle_dialog_event(DialogEvent::Answered { id: DialogId::for_test(50), sdp: Some(FAR_ANSWER.into()) });
    let outs = drain(&mut c);
    assert!(
        outs.iter().any(|o| matches!(o, Output::MediaRemote { rtp: RtpLegId(4), remote, .. }
        if *remote == "192.0.2.9:41000".parse::<SocketAddr>().unwrap())),
        "{outs:?}"
    );
    assert!(outs.contains(&Output::BridgeRtp { a: RtpLegId(3), b: RtpLegId(4) }));
    assert!(c.live_calls().iter().any(|l| l.call.call_id == "A" && l.state == shared::ws::LiveCallState::Talking));

    // Keys cross both ways.
    c.handle_digit(RtpLegId(3), '5');
    c.handle_digit(RtpLegId(4), '#');
    let outs = drain(&mut c);
    assert!(outs.contains(&Output::SendDigits { rtp: RtpLegId(4), digits: "5".into() }));
    assert!(outs.contains(&Output::SendDigits { rtp: RtpLegId(3), digits: "#".into() }));

    // The number hangs up: the caller is hung up on, both legs close.
    c.handle_dialog_event(DialogEvent::Terminated { id: DialogId::for_test(50), reason: Reason::RemoteBye });
    let outs = drain(&mut c);
    assert_eq!(sip(&outs), [&SipCommand::HangUp { dialog: DialogId::for_test(1) }], "no BYE to the number that left");
    assert!(outs.contains(&Output::Release { browser: None, rtp: Some(RtpLegId(3)) }));
    assert!(outs.contains(&Output::Release { browser: None, rtp: Some(RtpLegId(4)) }));
    assert!(c.is_empty());
}

/// Agent 1 (agent 2 free too) sends call "A" (caller leg 3) on to
/// +15551234, whose leg 4 and dialog 50 ring.
fn send_on_to_a_ringing_number(c: &mut Calls) {
    c.set_outbound("carrier".into(), "+442071234567".into());
    c.handle_agent(1, true);
    c.handle_agent(2, true);
    ring(c, "A", 1);
    c.handle_answer(1, "A").unwrap();
    c.handle_media_ready("A", LegId(8), RtpLegId(3), "127.0.0.1:20000".parse().unwrap()).unwrap();
    drain(c);
    c.handle_transfer_to_number(1, "A", "+15551234").unwrap();
    c.handle_far_media("A", Ok((RtpLegId(4), "127.0.0.1:20002".parse().unwrap())));
    c.handle_invited("A#far", Ok(DialogId::for_test(50)));
    drain(c);
}

#[test]
fn an_outside_number_ringing_too_long_is_given_up() {
    use super::forward::FAR_RING_MS;
    let mut c = Calls::new();
    c.advance(1_000);
    send_on_to_a_ringing_number(&mut c);
    assert_eq!(c.poll_timeout(), Some(1_000 + FAR_RING_MS));
    c.advance(1_000 + FAR_RING_MS - 1);
    assert!(sip(&drain(&mut c)).is_empty(), "still ringing");
    c.advance(1_000 + FAR_RING_MS);
    let outs = drain(&mut c);
    assert_eq!(sip(&outs), [&SipCommand::HangUp { dialog: DialogId::for_test(50) }], "the number is cancelled");
    assert!(outs.contains(&Output::Release { browser: None, rtp: Some(RtpLegId(4)) }));
    let mut rung: Vec<i64> = notices(&outs).iter().filter(|n| n.1 == "ringing").map(|n| n.0).collect();
    rung.sort();
    assert_eq!(rung, [1, 2], "the caller rings every free agent again: {outs:?}");
    assert_eq!(c.poll_timeout(), None, "nothing more to time");

    // A consultation that rings too long gives the agent the caller back.
    c.handle_answer(2, "A").unwrap();
    c.handle_media_ready("A", LegId(9), RtpLegId(3), "127.0.0.1:20000".parse().unwrap()).unwrap();
    c.handle_consult(2, "A", "+15559999").unwrap();
    c.handle_far_media("A", Ok((RtpLegId(5), "127.0.0.1:20004".parse().unwrap())));
    c.handle_invited("A#far", Ok(DialogId::for_test(51)));
    drain(&mut c);
    c.advance(1_000 + 2 * FAR_RING_MS);
    let outs = drain(&mut c);
    assert_eq!(sip(&outs), [&SipCommand::HangUp { dialog: DialogId::for_test(51) }]);
    assert!(outs.contains(&Output::MoveAgent { browser: LegId(9), rtp: RtpLegId(3) }), "{outs:?}");
    assert!(outs.iter().any(|o| matches!(
        o,
        Output::Notify { agent: 2, msg: ServerMsg::CallConsult { state: shared::ws::ConsultState::Ended, .. } }
    )));
}

#[test]
fn a_number_that_does_not_answer_gives_the_caller_back_to_the_agents() {
    let mut c = Calls::new();
    send_on_to_a_ringing_number(&mut c);
    let busy = crate::sip::StatusCode::new(486).unwrap();
    c.handle_dialog_event(DialogEvent::Terminated { id: DialogId::for_test(50), reason: Reason::Rejected(busy) });
    let outs = drain(&mut c);
    assert!(outs.contains(&Output::Release { browser: None, rtp: Some(RtpLegId(4)) }));
    let mut rung: Vec<i64> = notices(&outs).iter().filter(|n| n.1 == "ringing").map(|n| n.0).collect();
    rung.sort();
    assert_eq!(rung, [1, 2], "every free agent: {outs:?}");
    assert!(sip(&outs).is_empty(), "the caller stays");

    // The caller hangs up while a second try rings out there: the number is hung up too.
    c.handle_answer(2, "A").unwrap();
    c.handle_media_ready("A", LegId(9), RtpLegId(3), "127.0.0.1:20000".parse().unwrap()).unwrap();
    c.handle_transfer_to_number(2, "A", "+15559999").unwrap();
    c.handle_far_media("A", Ok((RtpLegId(5), "127.0.0.1:20004".parse().unwrap())));
    c.handle_invited("A#far", Ok(DialogId::for_test(51)));
    drain(&mut c);
    c.handle_dialog_event(DialogEvent::Terminated { id: DialogId::for_test(1), reason: Reason::RemoteBye });
    let outs = drain(&mut c);
    assert_eq!(sip(&outs), [&SipCommand::HangUp { dialog: DialogId::for_test(51) }]);
    assert!(outs.contains(&Output::Release { browser: None, rtp: Some(RtpLegId(5)) }));

    // Without an outbound trunk there is nowhere to send a call.
    let mut c = Calls::new();
    c.handle_agent(1, true);
    ring(&mut c, "B", 1);
    c.handle_answer(1, "B").unwrap();
    c.handle_media_ready("B", LegId(8), RtpLegId(3), "127.0.0.1:20000".parse().unwrap()).unwrap();
    assert_eq!(c.handle_transfer_to_number(1, "B", "+15551234"), Err(CallError::TargetUnavailable));
}

/// The consult messages agent `agent` got, in order.
fn consults(outs: &[Output], agent: i64) -> Vec<shared::ws::ConsultState> {
    outs.iter()
        .filter_map(|o| match o {
            Output::Notify { agent: a, msg: ServerMsg::CallConsult { state, .. } } if *a == agent => Some(*state),
            _ => None,
        })
        .collect()
}

#[test]
fn an_attended_transfer_consults_joins_all_three_then_leaves_the_two_talking() {
    use shared::ws::ConsultState;
    let mut c = talking_with_outbound();
    drain(&mut c);

    c.handle_consult(1, "A", "+15551234").unwrap();
    let outs = drain(&mut c);
    assert!(outs.contains(&Output::Music { rtp: RtpLegId(3), on: true }), "the caller waits with music");
    assert!(outs.contains(&Output::OpenFar { call_id: "A".into() }));
    assert_eq!(consults(&outs, 1), [ConsultState::Dialing]);
    assert_eq!(c.handle_consult(1, "A", "+15559999"), Err(CallError::WrongState), "one at a time");
    assert_eq!(c.handle_consult_complete(1, "A"), Err(CallError::WrongState), "not before the answer");

    c.handle_far_media("A", Ok((RtpLegId(4), "127.0.0.1:20002".parse().unwrap())));
    let outs = drain(&mut c);
    assert!(outs.contains(&Output::MoveAgent { browser: LegId(8), rtp: RtpLegId(4) }), "her softphone on the number");
    assert!(matches!(sip(&outs).as_slice(), [SipCommand::Invite { call_id, .. }] if call_id == "A#far"));
    c.handle_invited("A#far", Ok(DialogId::for_test(50)));
    c.handle_dialog_event(DialogEvent::Answered { id: DialogId::for_test(50), sdp: Some(FAR_ANSWER.into()) });
    let outs = drain(&mut c);
    assert_eq!(consults(&outs, 1), [ConsultState::Connected]);
    assert!(!outs.iter().any(|o| matches!(o, Output::BridgeRtp { .. })), "the caller is not put through yet");

    c.handle_consult_join(1, "A").unwrap();
    let outs = drain(&mut c);
    assert!(outs.contains(&Output::JoinFar { caller: RtpLegId(3), browser: LegId(8), far: RtpLegId(4) }));
    assert_eq!(consults(&outs, 1), [ConsultState::Joined]);

    // She hangs up: the other two go on talking.
    c.handle_hang_up(1, "A").unwrap();
    let outs = drain(&mut c);
    assert!(outs.contains(&Output::Release { browser: Some(LegId(8)), rtp: None }));
    assert!(outs.contains(&Output::BridgeRtp { a: RtpLegId(3), b: RtpLegId(4) }));
    assert_eq!(notices(&outs), [(1, "ended", "A".into(), Some(CallEndKind::Transferred))]);
    assert!(sip(&outs).is_empty(), "nobody is hung up on");
    assert!(c.live_calls().iter().any(|l| l.call.call_id == "A" && l.agent_id.is_none()));

    c.handle_dialog_event(DialogEvent::Terminated { id: DialogId::for_test(1), reason: Reason::RemoteBye });
    let outs = drain(&mut c);
    assert_eq!(sip(&outs), [&SipCommand::HangUp { dialog: DialogId::for_test(50) }], "the caller left: the number too");
    assert!(c.is_empty());
}

#[test]
fn a_cancelled_or_failed_consultation_gives_the_agent_back_their_caller() {
    use shared::ws::ConsultState;
    let mut c = talking_with_outbound();
    c.handle_consult(1, "A", "+15551234").unwrap();
    c.handle_far_media("A", Ok((RtpLegId(4), "127.0.0.1:20002".parse().unwrap())));
    c.handle_invited("A#far", Ok(DialogId::for_test(50)));
    drain(&mut c);

    c.handle_consult_cancel(1, "A").unwrap();
    let outs = drain(&mut c);
    assert_eq!(sip(&outs), [&SipCommand::HangUp { dialog: DialogId::for_test(50) }]);
    assert!(outs.contains(&Output::Release { browser: None, rtp: Some(RtpLegId(4)) }));
    assert!(outs.contains(&Output::Music { rtp: RtpLegId(3), on: false }));
    assert!(outs.contains(&Output::MoveAgent { browser: LegId(8), rtp: RtpLegId(3) }), "back with the caller");
    assert_eq!(consults(&outs, 1), [ConsultState::Ended]);
    assert_eq!(c.handle_consult_cancel(1, "A"), Err(CallError::WrongState));

    // A busy number: the same, by itself.
    c.handle_consult(1, "A", "+15550000").unwrap();
    c.handle_far_media("A", Ok((RtpLegId(5), "127.0.0.1:20004".parse().unwrap())));
    c.handle_invited("A#far", Ok(DialogId::for_test(51)));
    drain(&mut c);
    let busy = crate::sip::StatusCode::new(486).unwrap();
    c.handle_dialog_event(DialogEvent::Terminated { id: DialogId::for_test(51), reason: Reason::Rejected(busy) });
    let outs = drain(&mut c);
    assert!(outs.contains(&Output::MoveAgent { browser: LegId(8), rtp: RtpLegId(3) }));
    assert_eq!(consults(&outs, 1), [ConsultState::Ended]);
    assert!(notices(&outs).is_empty(), "the call goes on: {outs:?}");
    assert!(sip(&outs).is_empty(), "nothing to hang up: the number refused");
    // Still her call: she can hang up as usual.
    c.handle_hang_up(1, "A").unwrap();
    assert_eq!(sip(&drain(&mut c)), [&SipCommand::HangUp { dialog: DialogId::for_test(1) }]);
}

#[test]
fn a_consultation_allows_no_hold_transfer_supervision_or_recording_and_a_refresh_ends_it() {
    use shared::ws::{ConsultState, RecordAction, SuperviseMode};
    let mut c = talking_with_outbound();
    c.handle_consult(1, "A", "+15551234").unwrap();
    c.handle_far_media("A", Ok((RtpLegId(4), "127.0.0.1:20002".parse().unwrap())));
    c.handle_invited("A#far", Ok(DialogId::for_test(50)));
    c.handle_dialog_event(DialogEvent::Answered { id: DialogId::for_test(50), sdp: Some(FAR_ANSWER.into()) });
    drain(&mut c);
    assert_eq!(c.handle_hold(1, "A", true), Err(CallError::WrongState));
    assert_eq!(c.handle_transfer_to_number(1, "A", "+15559999"), Err(CallError::WrongState));
    assert_eq!(c.handle_transfer(1, "A", 2), Err(CallError::WrongState));
    assert_eq!(c.handle_supervise(9, "A", SuperviseMode::Listen).err(), Some(CallError::WrongState));
    assert_eq!(c.handle_record(9, true, "A", RecordAction::Start), Err(CallError::WrongState));
    // Her keys go to the number she consults.
    c.handle_send_digits(1, "A", "12").unwrap();
    assert!(drain(&mut c).contains(&Output::SendDigits { rtp: RtpLegId(4), digits: "12".into() }));
    // A refreshed page: the consultation ends and the caller is hers again.
    c.handle_rejoin(1, "A").unwrap();
    let outs = drain(&mut c);
    assert_eq!(sip(&outs), [&SipCommand::HangUp { dialog: DialogId::for_test(50) }]);
    assert_eq!(consults(&outs, 1), [ConsultState::Ended]);
    c.handle_hold(1, "A", true).unwrap();
}

#[test]
fn a_quiet_outside_number_ends_its_part_only() {
    use shared::ws::ConsultState;
    let mut c = talking_with_outbound();
    c.handle_consult(1, "A", "+15551234").unwrap();
    c.handle_far_media("A", Ok((RtpLegId(4), "127.0.0.1:20002".parse().unwrap())));
    c.handle_invited("A#far", Ok(DialogId::for_test(50)));
    c.handle_dialog_event(DialogEvent::Answered { id: DialogId::for_test(50), sdp: Some(FAR_ANSWER.into()) });
    drain(&mut c);
    c.handle_rtp_timeout(RtpLegId(4));
    let outs = drain(&mut c);
    assert_eq!(sip(&outs), [&SipCommand::HangUp { dialog: DialogId::for_test(50) }], "not the caller");
    assert_eq!(consults(&outs, 1), [ConsultState::Ended]);
    assert!(outs.contains(&Output::MoveAgent { browser: LegId(8), rtp: RtpLegId(3) }));
    assert_eq!(c.len(), 1, "the call goes on");
}

fn campaign_dial(call_id: &str, number: &str, agent: Option<i64>) -> CampaignDial {
    CampaignDial {
        call_id: call_id.into(),
        started: "2026-11-24T00:00:00Z".into(),
        session_id: 9,
        number: number.into(),
        caller_id: "+442071234567".into(),
        agent,
        ring_ms: 30_000,
        card: shared::campaign::CampaignCall {
            campaign_id: 3,
            campaign_name: "Spring".into(),
            contact_id: 11,
            contact_name: Some("Ali".into()),
            fields: vec![],
            script: "Hello".into(),
            dispositions: vec!["sale".into()],
        },
        language: "fa".into(),
    }
}

fn news(outs: &[Output]) -> Vec<CampaignNews> {
    outs.iter()
        .filter_map(|o| match o {
            Output::Campaign(n) => Some(n.clone()),
            _ => None,
        })
        .collect()
}

/// Places campaign call `id` for `agent` and has the contact answer.
fn campaign_answered(c: &mut Calls, id: &str, agent: Option<i64>, dialog: u64) -> RtpLegId {
    c.handle_campaign_dial(campaign_dial(id, "+15550000011", agent)).unwrap();
    assert!(drain(c).contains(&Output::OpenFar { call_id: id.into() }));
    let rtp = RtpLegId(70 + dialog);
    c.handle_far_media(id, Ok((rtp, "127.0.0.1:30000".parse().unwrap())));
    let outs = drain(c);
    let [SipCommand::Invite { call_id, number, caller_id, .. }] = sip(&outs)[..] else { panic!("{outs:?}") };
    assert_eq!((call_id.as_str(), number.as_str(), caller_id.as_str()), (id, "+15550000011", "+442071234567"));
    c.handle_invited(id, Ok(DialogId::for_test(dialog)));
    c.handle_dialog_event(DialogEvent::Answered { id: DialogId::for_test(dialog), sdp: Some(ANSWER.into()) });
    let outs = drain(c);
    assert_eq!(news(&outs), [CampaignNews::Answered { call_id: id.into(), rtp }]);
    assert!(outs.iter().any(|o| matches!(o, Output::MediaRemote { rtp: r, .. } if *r == rtp)));
    rtp
}

#[test]
fn a_campaign_call_holds_its_agent_then_rings_them_with_the_card_once_answered() {
    let mut c = Calls::new();
    c.set_outbound("carrier".into(), "+442071234567".into());
    c.handle_agent(5, true);
    c.handle_agent(6, true);
    let rtp = campaign_answered(&mut c, "K", Some(5), 40);
    // Held for it: an inbound call meanwhile rings for the other agent only.
    let rung: Vec<i64> = notices(&ring(&mut c, "IN", 41)).iter().map(|n| n.0).collect();
    assert_eq!(rung, [6]);
    c.handle_campaign_connect("K", 5).unwrap();
    let outs = drain(&mut c);
    assert!(outs.contains(&Output::Music { rtp, on: true }), "the contact hears music while the desk rings");
    let Some(call) = outs.iter().find_map(|o| match o {
        Output::Notify { agent: 5, msg: ServerMsg::CallRinging { call } } => Some(call),
        _ => None,
    }) else {
        panic!("{outs:?}")
    };
    let card = call.campaign.as_ref().unwrap();
    assert_eq!((card.contact_name.as_deref(), card.script.as_str()), (Some("Ali"), "Hello"));
    assert_eq!(c.handle_answer(5, "K"), Ok(AnswerMedia::Reuse { rtp, local: "127.0.0.1:30000".parse().unwrap() }));
    c.handle_media_ready("K", LegId(8), rtp, "127.0.0.1:30000".parse().unwrap()).unwrap();
    assert_eq!(news(&drain(&mut c)), [CampaignNews::Connected { call_id: "K".into(), agent: 5 }]);
    c.handle_hang_up(5, "K").unwrap();
    let outs = drain(&mut c);
    assert_eq!(news(&outs), [CampaignNews::Ended { call_id: "K".into(), result: CampaignResult::Answered }]);
    assert_eq!(sip(&outs), [&SipCommand::HangUp { dialog: DialogId::for_test(40) }]);
    // Free again: the waiting inbound call rings for them now.
    assert!(notices(&outs).contains(&(5, "ringing", "IN".into(), None)), "{outs:?}");
}

#[test]
fn campaign_calls_end_busy_unanswered_or_after_their_message_and_free_their_agent() {
    let mut c = Calls::new();
    c.set_outbound("carrier".into(), "+442071234567".into());
    c.handle_agent(5, true);
    // Busy: the held agent is free at once.
    c.handle_campaign_dial(campaign_dial("B", "+15550000013", Some(5))).unwrap();
    c.handle_far_media("B", Ok((RtpLegId(1), "127.0.0.1:30002".parse().unwrap())));
    c.handle_invited("B", Ok(DialogId::for_test(50)));
    drain(&mut c);
    let busy = Reason::Rejected(StatusCode::new(486).unwrap());
    c.handle_dialog_event(DialogEvent::Terminated { id: DialogId::for_test(50), reason: busy });
    let outs = drain(&mut c);
    assert_eq!(news(&outs), [CampaignNews::Ended { call_id: "B".into(), result: CampaignResult::Busy }]);
    assert!(outs.contains(&Output::Release { browser: None, rtp: Some(RtpLegId(1)) }));
    assert!(c.can_ring(5));
    // Ringing past its time: cancelled, no answer.
    c.advance(1_000);
    c.handle_campaign_dial(campaign_dial("N", "+15550000014", None)).unwrap();
    c.handle_far_media("N", Ok((RtpLegId(2), "127.0.0.1:30004".parse().unwrap())));
    c.handle_invited("N", Ok(DialogId::for_test(51)));
    drain(&mut c);
    assert_eq!(c.poll_timeout(), Some(31_000));
    c.advance(31_000);
    let outs = drain(&mut c);
    assert_eq!(sip(&outs), [&SipCommand::HangUp { dialog: DialogId::for_test(51) }]);
    assert_eq!(news(&outs), [CampaignNews::Ended { call_id: "N".into(), result: CampaignResult::NoAnswer }]);
    // No agent free: the drop message in the campaign's language, then the BYE.
    let rtp = campaign_answered(&mut c, "D", None, 52);
    c.handle_campaign_message("D", vec!["campaign_drop".into()]).unwrap();
    let outs = drain(&mut c);
    assert!(outs.contains(&Output::Play {
        rtp,
        id: callback::LEAVING,
        language: "fa".into(),
        prompts: vec!["campaign_drop".into()]
    }));
    c.handle_play_done(rtp, callback::LEAVING);
    let outs = drain(&mut c);
    assert_eq!(sip(&outs), [&SipCommand::HangUp { dialog: DialogId::for_test(52) }]);
    assert_eq!(news(&outs), [CampaignNews::Ended { call_id: "D".into(), result: CampaignResult::Answered }]);
    assert_eq!(c.handle_campaign_dial(campaign_dial("X", "not a number", None)), Err(CallError::BadNumber));
    assert!(c.is_empty());
}

#[test]
fn a_campaign_call_nobody_answers_on_the_desk_hears_the_drop_message() {
    let mut c = Calls::new();
    c.set_outbound("carrier".into(), "+442071234567".into());
    c.handle_agent(5, true);
    let rtp = campaign_answered(&mut c, "R", Some(5), 60);
    c.handle_campaign_connect("R", 5).unwrap();
    drain(&mut c);
    assert_eq!(c.poll_timeout(), Some(campaign::AGENT_RING_MS));
    c.advance(campaign::AGENT_RING_MS);
    let outs = drain(&mut c);
    assert_eq!(notices(&outs), [(5, "ended", "R".into(), Some(CallEndKind::Withdrawn))]);
    assert!(
        outs.iter()
            .any(|o| matches!(o, Output::Play { rtp: r, prompts, .. } if *r == rtp && prompts == &["campaign_drop"]))
    );
    assert!(c.can_ring(5), "the agent is free again");
    c.handle_play_done(rtp, callback::LEAVING);
    let outs = drain(&mut c);
    assert_eq!(news(&outs), [CampaignNews::Ended { call_id: "R".into(), result: CampaignResult::Answered }]);
}
