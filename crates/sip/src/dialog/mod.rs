//! Dialog state (RFC 3261 section 12): the identifiers, sequence numbers, route set and
//! remote target that every in-dialog request and response depends on.

pub mod session_timer;

use std::fmt::Write as _;

use crate::message::{CSeq, HeaderName, NameAddr, Request, Response, Uri};

/// Identifies a dialog from our side: Call-ID, our tag, their tag.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DialogId {
    pub call_id: String,
    pub local_tag: String,
    pub remote_tag: String,
}

#[derive(Debug, Clone)]
pub struct Dialog {
    pub id: DialogId,
    /// Our address-of-record with our tag, as we put it in From of our requests.
    pub local: NameAddr,
    /// Theirs with their tag, as we put it in To of our requests.
    pub remote: NameAddr,
    /// CSeq of the last request we sent in this dialog.
    pub local_cseq: u32,
    /// CSeq of the last request they sent; lower ones are stale (RFC 3261 12.2.2).
    /// `None` until they send one in a dialog we created as UAC (12.1.2: "empty").
    pub remote_cseq: Option<u32>,
    /// Where our requests go: their Contact (refreshed by target-refresh requests).
    pub remote_target: Uri,
    /// Record-Route values as our requests must carry them in Route.
    pub route_set: Vec<NameAddr>,
}

/// Why an incoming in-dialog request's CSeq is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StaleCSeq;

impl Dialog {
    /// The dialog a UAS creates when it answers an INVITE with a tag of its own
    /// (RFC 3261 12.1.1). `None` if the INVITE lacks what a dialog needs.
    pub fn as_uas(invite: &Request, local_tag: &str, initial_local_cseq: u32) -> Option<Dialog> {
        let from = NameAddr::parse(invite.headers.get(&HeaderName::From)?).ok()?;
        let to = NameAddr::parse(invite.headers.get(&HeaderName::To)?).ok()?;
        let call_id = invite.headers.get(&HeaderName::CallId)?.trim().to_owned();
        let cseq = CSeq::parse(invite.headers.get(&HeaderName::CSeq)?).ok()?;
        // RFC 2543 made Contact optional; without one, requests go to the From address
        // (RFC 4475 3.4.1 asks RFC 3261 elements to accept such INVITEs). A Contact
        // that is there but broken still refuses the dialog.
        let remote_target = match invite.headers.values(&HeaderName::Contact).first() {
            Some(contact) => NameAddr::parse(contact).ok()?.uri,
            None => from.uri.clone(),
        };
        // As UAS the route set is the Record-Route list in the order received.
        let route_set = invite
            .headers
            .values(&HeaderName::RecordRoute)
            .into_iter()
            .map(NameAddr::parse)
            .collect::<Result<Vec<_>, _>>()
            .ok()?;
        Some(Dialog {
            id: DialogId {
                call_id,
                local_tag: local_tag.to_owned(),
                // No From tag (RFC 2543): the remote tag is null (RFC 3261 12.1.1).
                remote_tag: from.tag().unwrap_or_default().to_owned(),
            },
            local: to.with_tag(local_tag),
            remote: from,
            local_cseq: initial_local_cseq,
            remote_cseq: Some(cseq.seq),
            remote_target,
            route_set,
        })
    }

    /// The dialog a UAC creates from its INVITE and a 2xx (or tagged 1xx) answering it
    /// (RFC 3261 12.1.2): their tag from To, their Contact as the remote target, the
    /// Record-Route list *reversed* as the route set, our INVITE's CSeq as the local
    /// sequence number and no remote one yet. `None` if the response lacks what a dialog
    /// needs or the INVITE has no From tag.
    pub fn as_uac(invite: &Request, response: &Response) -> Option<Dialog> {
        let from = NameAddr::parse(invite.headers.get(&HeaderName::From)?).ok()?;
        let local_tag = from.tag()?.to_owned();
        let to = NameAddr::parse(response.headers.get(&HeaderName::To)?).ok()?;
        let call_id = invite.headers.get(&HeaderName::CallId)?.trim().to_owned();
        let cseq = CSeq::parse(invite.headers.get(&HeaderName::CSeq)?).ok()?;
        // A 2xx MUST carry a Contact (RFC 3261 13.3.1.4); if a broken peer sends none, its
        // requests can still reach the INVITE's Request-URI. A broken one refuses the dialog.
        let remote_target = match response.headers.values(&HeaderName::Contact).first() {
            Some(contact) => NameAddr::parse(contact).ok()?.uri,
            None => invite.uri.clone(),
        };
        let mut route_set = response
            .headers
            .values(&HeaderName::RecordRoute)
            .into_iter()
            .map(NameAddr::parse)
            .collect::<Result<Vec<_>, _>>()
            .ok()?;
        // The Record-Route list runs from the UAS back to us; our requests walk it the
        // other way (12.1.2).
        route_set.reverse();
        Some(Dialog {
            id: DialogId {
                call_id,
                local_tag,
                // A 2xx without a To tag comes only from an RFC 2543 UAS: null tag (12.1.2).
                remote_tag: to.tag().unwrap_or_default().to_owned(),
            },
            local: from,
            remote: to,
            local_cseq: cseq.seq,
            remote_cseq: None,
            remote_target,
            route_set,
        })
    }

    /// Checks and records the CSeq of a request received in this dialog.
    pub fn accept_remote_cseq(&mut self, cseq: u32) -> Result<(), StaleCSeq> {
        if self.remote_cseq.is_some_and(|last| cseq <= last) {
            return Err(StaleCSeq);
        }
        self.remote_cseq = Some(cseq);
        Ok(())
    }

    /// A target-refresh request (re-INVITE, UPDATE) may move their Contact (RFC 3261 12.2.2).
    pub fn refresh_target(&mut self, request: &Request) {
        let contact = request
            .headers
            .values(&HeaderName::Contact)
            .first()
            .copied();
        if let Some(Ok(contact)) = contact.map(NameAddr::parse) {
            self.remote_target = contact.uri;
        }
    }

    pub fn next_local_cseq(&mut self) -> u32 {
        self.local_cseq = self.local_cseq.wrapping_add(1).max(1);
        self.local_cseq
    }

    /// The first hop of our requests: the top Route when the route set is loose
    /// (RFC 3261 12.2.1.1), otherwise the remote target.
    pub fn next_hop(&self) -> &Uri {
        match self.route_set.first() {
            Some(route) => &route.uri,
            None => &self.remote_target,
        }
    }

    /// Request-URI and Route headers for a request in this dialog. A strict-routing
    /// first hop (no `lr`) puts the first route in the Request-URI and the remote target
    /// last in Route, as RFC 3261 12.2.1.1 requires for RFC 2543 proxies.
    pub fn request_target(&self) -> (Uri, Vec<String>) {
        let mut routes: Vec<String> = self.route_set.iter().map(|r| r.to_string()).collect();
        match self.route_set.first() {
            Some(first) if first.uri.param("lr").is_none() => {
                routes.remove(0);
                let mut target = String::new();
                let _ = write!(target, "<{}>", self.remote_target);
                routes.push(target);
                (first.uri.clone(), routes)
            }
            _ => (self.remote_target.clone(), routes),
        }
    }
}
