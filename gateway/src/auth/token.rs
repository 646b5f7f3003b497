//! Session tokens: 256 random bits, base64url in the cookie, SHA-256 hex in
//! the database.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

/// A new token from the operating system's random source.
pub fn generate() -> String {
    let bytes: [u8; 32] = rand::random();
    URL_SAFE_NO_PAD.encode(bytes)
}

/// What the database keeps of a token. `None` for a string that cannot be
/// one of ours (wrong length or alphabet), so junk cookies never reach the
/// database.
pub fn hash(token: &str) -> Option<String> {
    if token.len() != 43 || !token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        return None;
    }
    let digest = Sha256::digest(token.as_bytes());
    Some(digest.iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_hashable() {
        let a = generate();
        let b = generate();
        assert_ne!(a, b);
        assert_eq!(URL_SAFE_NO_PAD.decode(&a).unwrap().len(), 32);
        let h = hash(&a).unwrap();
        assert_eq!(h.len(), 64);
        assert_eq!(hash(&a), Some(h));
        assert_eq!(hash("short"), None);
        assert_eq!(hash(&format!("{}!", &a[..42])), None);
    }
}
