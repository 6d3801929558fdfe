//! Whatever arrives from the network: parse, validate, answer, serialize, re-parse, and
//! frame as a stream. Nothing may panic, and a parsed message must survive its own
//! serialization unchanged (up to the Content-Length serialization always writes).

#![no_main]

use bytes::Bytes;
use dialbridge_sip::message::{
    parse_for_error_reply, parse_message, response_for, validate_request, validate_response,
    HeaderName, Message, NameAddr, StreamFramer, Uri, Via,
};
use libfuzzer_sys::fuzz_target;

fn exercise_typed_values(message: &Message) {
    let headers = message.headers();
    for via in headers.values(&HeaderName::Via) {
        if let Ok(via) = Via::parse(via) {
            let _ = (via.branch(), via.rport(), via.received_ip());
            assert_eq!(Via::parse(&via.to_string()).ok(), Some(via));
        }
    }
    for name in [HeaderName::From, HeaderName::To, HeaderName::Contact] {
        for value in headers.values(&name) {
            if let Ok(addr) = NameAddr::parse(value) {
                assert_eq!(NameAddr::parse(&addr.to_string()).ok(), Some(addr));
            }
        }
    }
}

fn with_real_content_length(mut message: Message) -> Message {
    let (headers, length) = match &mut message {
        Message::Request(r) => (&mut r.headers, r.body.len()),
        Message::Response(r) => (&mut r.headers, r.body.len()),
    };
    headers.set(HeaderName::ContentLength, length.to_string());
    message
}

fn check_datagram(data: &[u8]) {
    match parse_message(Bytes::copy_from_slice(data)) {
        Ok(message) => {
            match &message {
                Message::Request(req) => {
                    if let Err(e) = validate_request(req) {
                        let reply = response_for(req, e.status_code(), &e.to_string());
                        assert!(parse_message(reply.to_bytes()).is_ok());
                    }
                    assert_eq!(Uri::parse(&req.uri.to_string()).ok().as_ref(), Some(&req.uri));
                }
                Message::Response(resp) => {
                    let _ = validate_response(resp);
                }
            }
            exercise_typed_values(&message);
            let again = parse_message(message.to_bytes()).expect("serialized message re-parses");
            assert_eq!(again, with_real_content_length(message));
        }
        Err(_) => {
            if let Some(ctx) = parse_for_error_reply(data) {
                assert!(parse_message(ctx.response(400, "Bad Request").to_bytes()).is_ok());
            }
        }
    }
}

fn check_stream(data: &[u8]) {
    let cut = usize::from(data.first().copied().unwrap_or(0)).min(data.len());
    let (first, second) = data.split_at(cut);
    let mut framer = StreamFramer::new(4096);
    for chunk in [first, second] {
        framer.push(chunk);
        while let Some(frame) = framer.next_message() {
            match frame {
                Ok(frame) => {
                    let _ = parse_message(frame);
                }
                Err(_) => break,
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    check_datagram(data);
    check_stream(data);
});
