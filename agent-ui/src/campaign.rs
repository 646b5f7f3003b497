//! A campaign call on the desk: once the agent answers a call the dialer
//! placed (`CallInfo::campaign`), the contact card (name and the list's
//! columns), the campaign's script and its dispositions, with an optional
//! time to call the contact back. Saving
//! (`POST /api/v1/campaigns/{id}/contacts/{contact}/disposition`) frees the
//! agent for the campaign's next call; the panel stays after the call ends
//! until it is saved.
//!
//! Test ids: `cmp-card` (`data-contact`), `cmp-field`, `cmp-script`,
//! `cmp-disposition`, `cmp-callback`, `cmp-save`, `cmp-error`.

use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::campaign::{CampaignCall, DispositionInput};
use shared::ws::ServerMsg;
use ui_kit::{WsClient, t, tr};

#[component]
pub fn CampaignCard() -> impl IntoView {
    let ws = expect_context::<WsClient>();
    // Campaign calls ringing here, by call id; the one answered.
    let ringing = StoredValue::new(Vec::<(String, CampaignCall)>::new());
    let card = RwSignal::new(None::<CampaignCall>);
    let error = RwSignal::new(None::<String>);
    let saving = RwSignal::new(false);
    let choice = NodeRef::<html::Select>::new();
    let callback = NodeRef::<html::Input>::new();
    ws.subscribe(move |msg| match msg {
        ServerMsg::CallRinging { call } => {
            if let Some(c) = &call.campaign {
                ringing.update_value(|r| r.push((call.call_id.clone(), c.clone())));
            }
        }
        ServerMsg::CallAnswered { call_id, .. } => {
            let found = ringing.with_value(|r| r.iter().find(|(id, _)| id == call_id).map(|(_, c)| c.clone()));
            ringing.update_value(|r| r.retain(|(id, _)| id != call_id));
            if let Some(c) = found {
                error.set(None);
                card.set(Some(c));
            }
        }
        ServerMsg::CallActive { call, .. } if call.campaign.is_some() => card.set(call.campaign.clone()),
        ServerMsg::CallEnded { call_id, .. } => ringing.update_value(|r| r.retain(|(id, _)| id != call_id)),
        _ => {}
    });

    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(c) = card.get_untracked() else { return };
        let disposition = choice.get_untracked().map(|el| el.value()).unwrap_or_default();
        if disposition.is_empty() {
            error.set(Some(t("wrapup-disposition-required")));
            return;
        }
        // `datetime-local` is the agent's local time.
        let at = callback.get_untracked().map(|el| el.value()).unwrap_or_default();
        let callback_at = (!at.is_empty()).then(|| {
            let ms = web_sys::js_sys::Date::new(&at.into()).get_time();
            String::from(web_sys::js_sys::Date::new(&ms.into()).to_iso_string())
        });
        saving.set(true);
        spawn_local(async move {
            let path = format!("/api/v1/campaigns/{}/contacts/{}/disposition", c.campaign_id, c.contact_id);
            let body = DispositionInput { disposition, callback_at };
            let r = ui_kit::api::send_no_content("POST", &path, Some(&body)).await;
            saving.set(false);
            match r {
                Ok(()) => card.set(None),
                Err(e) => error.set(Some(t(e.error.message_key()))),
            }
        });
    };

    move || {
        card.get().map(|c| {
            let dispositions = c.dispositions.clone();
            view! {
                <section class="panel customer-card" data-testid="cmp-card" data-contact=c.contact_id.to_string()
                    aria-labelledby="cmp-title">
                    <h2 class="panel-title" id="cmp-title"><bdi>{c.campaign_name.clone()}</bdi></h2>
                    <p class="customer-name"><bdi>{c.contact_name.clone().unwrap_or_default()}</bdi></p>
                    <dl class="customer-facts">
                        {c.fields.iter().map(|(k, v)| view! {
                            <div data-testid="cmp-field"><dt><bdi>{k.clone()}</bdi></dt><dd><bdi>{v.clone()}</bdi></dd></div>
                        }).collect_view()}
                    </dl>
                    <h3 class="customer-section-title">{tr("cmp-script")}</h3>
                    <p class="customer-notes" data-testid="cmp-script">{c.script.clone()}</p>
                    <form class="form" on:submit=save>
                        <label class="field">
                            <span class="field-label">{tr("cmp-disposition")}</span>
                            <select data-testid="cmp-disposition" node_ref=choice>
                                <option value="">{tr("cmp-choose")}</option>
                                {dispositions.into_iter().map(|d| { let v = d.clone(); view! { <option value=v>{d}</option> } }).collect_view()}
                            </select>
                        </label>
                        <label class="field">
                            <span class="field-label">{tr("cmp-callback")}</span>
                            <input type="datetime-local" data-testid="cmp-callback" node_ref=callback />
                        </label>
                        {move || error.get().map(|e| view! { <p class="alert" role="alert" data-testid="cmp-error">{e}</p> })}
                        <button type="submit" class="btn btn-primary" data-testid="cmp-save" disabled=move || saving.get()>
                            {tr("cmp-save")}
                        </button>
                    </form>
                </section>
            }
        })
    }
}
