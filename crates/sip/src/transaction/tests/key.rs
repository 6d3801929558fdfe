use crate::transaction::{is_rfc3261_branch, ClientTransactionKey, ServerTransactionKey};

#[test]
fn ack_matches_its_invite_and_cancel_finds_it() {
    let invite = ServerTransactionKey::new("z9hG4bK776asdhds", "Trunk.Example.com", 5060, "INVITE");
    let ack = ServerTransactionKey::new("z9hG4bK776asdhds", "trunk.example.com", 5060, "ACK");
    assert!(invite.is_some());
    assert_eq!(invite, ack);

    let cancel = ServerTransactionKey::new("z9hG4bK776asdhds", "trunk.example.com", 5060, "CANCEL");
    assert_ne!(cancel, invite, "a CANCEL is its own transaction");
    assert_eq!(
        cancel
            .as_ref()
            .and_then(ServerTransactionKey::cancelled_invite),
        invite
    );
    assert_eq!(
        invite
            .as_ref()
            .and_then(ServerTransactionKey::cancelled_invite),
        None
    );
}

#[test]
fn sent_by_and_method_take_part_in_matching() {
    let a = ServerTransactionKey::new("z9hG4bKx", "10.0.0.1", 5060, "OPTIONS");
    assert_ne!(
        a,
        ServerTransactionKey::new("z9hG4bKx", "10.0.0.1", 5062, "OPTIONS")
    );
    assert_ne!(
        a,
        ServerTransactionKey::new("z9hG4bKx", "10.0.0.2", 5060, "OPTIONS")
    );
    assert_ne!(
        a,
        ServerTransactionKey::new("z9hG4bKx", "10.0.0.1", 5060, "options")
    );
    assert_eq!(
        a,
        ServerTransactionKey::new("Z9HG4BKX", "10.0.0.1", 5060, "OPTIONS")
    );
}

#[test]
fn branches_without_the_magic_cookie_have_no_key() {
    assert!(!is_rfc3261_branch("776asdhds"));
    assert!(!is_rfc3261_branch("z9h"));
    assert!(!is_rfc3261_branch(""));
    assert!(!is_rfc3261_branch("z9hG4b\u{e9}"));
    assert_eq!(
        ServerTransactionKey::new("776asdhds", "h", 5060, "INVITE"),
        None
    );
}

#[test]
fn client_key_is_branch_and_cseq_method() {
    let invite = ClientTransactionKey::new("z9hG4bKabc", "INVITE");
    assert_eq!(invite, ClientTransactionKey::new("z9hg4bkABC", "INVITE"));
    assert_ne!(invite, ClientTransactionKey::new("z9hG4bKabc", "CANCEL"));
    assert_eq!(invite.method(), "INVITE");
    assert_eq!(invite.branch(), "z9hg4bkabc");
}
