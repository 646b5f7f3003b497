//! The STUN/TURN servers a browser gets in its Welcome.
//!
//! A TURN server configured with a shared secret gets per-session
//! credentials (the TURN REST API that coturn's `use-auth-secret` checks):
//! the username is `<expiry unix seconds>:<user id>` and the password
//! base64(HMAC-SHA1(secret, username)), so nothing long-lived reaches the
//! browser and a leaked credential dies at its expiry.

use base64::Engine;
use hmac::{Hmac, Mac};
use shared::ws::IceServer;

use crate::config::IceServerConfig;

pub fn ice_servers(config: &[IceServerConfig], user_id: i64, now_ms: i64) -> Vec<IceServer> {
    config
        .iter()
        .map(|s| {
            let (username, credential) = match &s.secret {
                Some(secret) => {
                    let expiry = now_ms / 1000 + s.ttl_secs as i64;
                    let username = format!("{expiry}:{user_id}");
                    (Some(username.clone()), Some(turn_password(secret.expose(), &username)))
                }
                None => (s.username.clone(), s.credential.as_ref().map(|c| c.expose().to_owned())),
            };
            IceServer { urls: s.urls.clone(), username, credential }
        })
        .collect()
}

/// Longest a web caller's TURN credentials live.
const WEB_TTL_SECS: u64 = 2 * 3600;

/// The ICE servers for a stranger (a web call button's caller): STUN
/// servers, and TURN servers with a shared secret, whose credentials are
/// made for this caller and live at most two hours. Servers with fixed
/// credentials are left out: their password must not reach strangers.
pub fn public_ice_servers(config: &[IceServerConfig], now_ms: i64) -> Vec<IceServer> {
    config
        .iter()
        .filter_map(|s| match (&s.secret, &s.credential) {
            (Some(secret), _) => {
                let expiry = now_ms / 1000 + s.ttl_secs.min(WEB_TTL_SECS) as i64;
                let username = format!("{expiry}:web");
                let credential = Some(turn_password(secret.expose(), &username));
                Some(IceServer { urls: s.urls.clone(), username: Some(username), credential })
            }
            (None, None) if s.username.is_none() => {
                Some(IceServer { urls: s.urls.clone(), username: None, credential: None })
            }
            _ => None,
        })
        .collect()
}

/// base64(HMAC-SHA1(secret, username)).
pub fn turn_password(secret: &str, username: &str) -> String {
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(username.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn turn_rest_credentials_match_coturns_formula() {
        // Computed independently: printf '%s' '1700000000:42' | openssl dgst -sha1 -hmac 'north' -binary | base64
        assert_eq!(turn_password("north", "1700000000:42"), "DWX3FI7DiPIpadEYQAZsnZBAagI=");
        let config: Vec<IceServerConfig> = toml::from_str::<toml::Table>(
            "[[s]]\nurls = [\"turn:turn.example:3478\"]\nsecret = \"north\"\nttl_secs = 600\n\
             [[s]]\nurls = [\"stun:stun.example\"]\n",
        )
        .unwrap()["s"]
            .clone()
            .try_into()
            .unwrap();
        let servers = ice_servers(&config, 42, 1_699_999_400_000);
        assert_eq!(servers[0].username.as_deref(), Some("1700000000:42"));
        assert_eq!(servers[0].credential.as_deref(), Some("DWX3FI7DiPIpadEYQAZsnZBAagI="));
        assert_eq!((servers[1].username.as_ref(), servers[1].credential.as_ref()), (None, None));
    }

    #[test]
    fn strangers_get_short_lived_turn_credentials_and_never_fixed_ones() {
        let config: Vec<IceServerConfig> = toml::from_str::<toml::Table>(
            "[[s]]\nurls = [\"turn:turn.example:3478\"]\nsecret = \"north\"\nttl_secs = 43200\n\
             [[s]]\nurls = [\"stun:stun.example\"]\n\
             [[s]]\nurls = [\"turn:fixed.example\"]\nusername = \"u\"\ncredential = \"long-lived\"\n",
        )
        .unwrap()["s"]
            .clone()
            .try_into()
            .unwrap();
        let got = public_ice_servers(&config, 1_700_000_000_000);
        assert_eq!(got.len(), 2, "the fixed password is not handed out: {got:?}");
        let turn = &got[0];
        assert_eq!(turn.username.as_deref(), Some("1700007200:web"), "two hours at most");
        assert_eq!(turn.credential.as_deref(), Some(turn_password("north", "1700007200:web").as_str()));
        assert_eq!((got[1].username.as_deref(), got[1].credential.as_deref()), (None, None));
    }
}
