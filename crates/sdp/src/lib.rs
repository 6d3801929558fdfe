//! SDP offer/answer (RFC 3264) for the audio codecs dialbridge speaks.
