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
}
