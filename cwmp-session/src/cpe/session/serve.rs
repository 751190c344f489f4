//! Writing the session's messages and reading the ACS's: the Inform, the
//! queued CPE requests, the empty POST, and the answers to ACS requests
//! (data-model RPCs through the engine, the rest through the transfer queue,
//! the event queue and deferred effects).

use super::du::DU_OPERATIONS;
use super::*;
use crate::cpe::transfer::{TransferArgs, WindowArgs};
use cwmp_core::event::RequiredResponse;
use cwmp_model::engine::{NameList, SetAttribute, SetValue, SpvFault, access_list_subscriber};
use cwmp_soap::envelope::{Fault, encode_must_understand_fault};
use cwmp_soap::rpc::{
    AddObjectResponse, CancelTransferResponse, ChangeDuStateResponse, DeleteObjectResponse, DownloadResponse,
    FactoryResetResponse, GetAllQueuedTransfersResponse, GetParameterAttributesResponse, GetParameterNamesResponse,
    GetParameterValuesResponse, GetRpcMethodsResponse, RebootResponse, ScheduleDownloadResponse,
    ScheduleInformResponse, SetParameterAttributesResponse, SetParameterValuesResponse, UploadResponse,
};
use cwmp_soap::rpc::{AutonomousDuStateChangeComplete, DuStateChangeComplete, RequestDownload};
use cwmp_soap::structs::{
    AllQueuedTransferStruct, ArgStruct, AutonOpResultStruct, OpResultStruct, SetParameterValuesFault,
};
use cwmp_soap::{DecodeErrorKind, DecodeOptions};

use self::source::{AttributesSource, NamesSource, ValuesSource};

/// The methods this CPE answers (GetRPCMethodsResponse).
const METHODS: [Text<'static>; 17] = [
    Text::Plain("GetRPCMethods"),
    Text::Plain("SetParameterValues"),
    Text::Plain("GetParameterValues"),
    Text::Plain("GetParameterNames"),
    Text::Plain("SetParameterAttributes"),
    Text::Plain("GetParameterAttributes"),
    Text::Plain("AddObject"),
    Text::Plain("DeleteObject"),
    Text::Plain("Reboot"),
    Text::Plain("Download"),
    Text::Plain("Upload"),
    Text::Plain("FactoryReset"),
    Text::Plain("ScheduleInform"),
    Text::Plain("CancelTransfer"),
    Text::Plain("GetAllQueuedTransfers"),
    Text::Plain("ScheduleDownload"),
    Text::Plain("ChangeDUState"),
];

/// SetParameterValuesFault entries reported per request.
const MAX_SPV_FAULTS: usize = 16;

/// The names of a decoded GetParameterValues / GetParameterAttributes.
struct ListNames<'a>(List<'a, Text<'a>>);

impl NameList for ListNames<'_> {
    type Name<'x>
        = Text<'x>
    where
        Self: 'x;

    fn name(&self, index: usize) -> Option<Text<'_>> {
        self.0.iter().nth(index)
    }
}

/// A decimal `cwmp:ID`.
fn id_text(id: u32, buf: &mut heapless::String<12>) -> Text<'_> {
    buf.clear();
    let _ = write!(buf, "{id}");
    Text::plain(buf.as_str())
}

/// Writes the request head for a POST to `url`.
#[allow(clippy::too_many_arguments)]
fn write_head(
    url: &str,
    auth: &mut ClientAuth,
    cookies: &CookieJar<1024>,
    creds: Option<&Credentials<'_>>,
    body: BodyLength,
    soap_action: SoapAction<'_>,
    buf: &mut [u8],
) -> Result<usize, Fail> {
    let u = Url::parse(url).map_err(|_| Fail::Session(Outcome::Unexpected))?;
    // The URL is at most 256 bytes (`CpeState::acs_url`, the redirect
    // target), so host, brackets and port always fit.
    let mut host: heapless::String<272> = heapless::String::new();
    let _ = if u.ipv6 { write!(host, "[{}]", u.host) } else { write!(host, "{}", u.host) };
    if u.port != u.scheme.default_port() {
        let _ = write!(host, ":{}", u.port);
    }
    let mut w = HeadWriter::new(buf);
    CwmpRequest {
        method: Method::Post,
        target: u.target,
        host: &host,
        user_agent: Some("cwmp-rs"),
        body,
        soap_action,
        close: false,
    }
    .write(&mut w)?;
    if !cookies.is_empty() {
        cookies.write_header(&mut w)?;
    }
    if let Some(c) = creds {
        auth.write_authorization(&mut w, Method::Post, u.target, c).map_err(|_| Fail::Session(Outcome::AuthFailed))?;
    }
    Ok(w.finish()?)
}

/// Writes head + a whole envelope with `Content-Length` into `buf`.
fn write_whole(
    buf: &mut [u8],
    env: &Envelope<'_>,
    head: impl FnOnce(&mut [u8], u64) -> Result<usize, Fail>,
) -> Result<usize, Fail> {
    let n = env.encode(buf)?;
    let (_, rest) = buf.split_at_mut(n);
    let h = head(rest, n as u64)?;
    buf.get_mut(..n + h).ok_or(Fail::Buffer(n + h))?.rotate_right(h);
    Ok(n + h)
}

/// A message being streamed, rebuilt around its `Copy` cursor for one fill.
fn fill_stream<S: EntrySource>(
    env: Envelope<'_>,
    state: ResumeState,
    source: S,
    out: &mut [u8],
    scratch: &mut [u8],
    back: impl FnOnce(&S) -> (S::Mark, Option<RpcError>),
) -> (Result<usize, EncodeError>, ResumeState, S::Mark, Option<RpcError>) {
    let mut enc = Resumable::resume(env, state, source);
    let r = enc.fill_with(out, scratch);
    let (mark, failure) = back(enc.source());
    (r, enc.state(), mark, failure)
}

impl<N: Copy + PartialEq, const RX: usize> Session<N, RX> {
    /// A fresh `cwmp:ID` of ours.
    fn take_id(&mut self) -> u32 {
        let n = self.next_id;
        self.next_id = self.next_id.wrapping_add(1);
        n
    }

    /// Reads the retry policy from the model (§3.2.1.1 parameters).
    fn read_retry_policy<M: DataModel<Node = N>>(&mut self, model: &M, root: &str) {
        let read = |leaf: &str| -> Option<u32> {
            let mut name: heapless::String<96> = heapless::String::new();
            write!(name, "{root}ManagementServer.{leaf}").ok()?;
            let node = model.lookup(&Path::parse(&name).ok()?)?;
            let mut v = [0u8; 12];
            let len = model.get(node, &mut v).ok()?;
            core::str::from_utf8(v.get(..len)?).ok()?.trim().parse().ok()
        };
        let old = self.cpe.retry.policy();
        let m = read("CWMPRetryMinimumWaitInterval").unwrap_or(old.min_wait_interval());
        let k = read("CWMPRetryIntervalMultiplier").unwrap_or(old.interval_multiplier());
        if let Ok(p) = RetryPolicy::new(m, k) {
            self.cpe.retry.set_policy(p);
        }
    }

    pub(super) fn start_inform<M: DataModel<Node = N>, const A: usize>(
        &mut self,
        buf: &mut [u8],
        cx: &mut Context<'_, '_, M, A>,
    ) -> Result<usize, Fail> {
        self.read_retry_policy(&*cx.model, cx.engine.schema().root);
        let reader = Reader { engine: &*cx.engine, model: &*cx.model };
        let (cursor, count) =
            InformCursor::start(reader, cx.scratch).map_err(|e| Fail::Session(Outcome::Fault(e.code)))?;
        let id = self.take_id();
        self.cpe.events.inform_sent();
        self.sent = Some(Sent::Inform);
        let state = ResumeState::new(count);
        self.tx = Tx::Streaming {
            stream: Stream::Inform(cursor),
            state,
            id: MsgId::Ours(id),
            head_sent: false,
            finished: false,
        };
        self.continue_stream(buf, cx)
    }

    /// Writes the head (first call) and as many chunks of the streamed
    /// message as fit.
    pub(super) fn continue_stream<M: DataModel<Node = N>, const A: usize>(
        &mut self,
        buf: &mut [u8],
        cx: &mut Context<'_, '_, M, A>,
    ) -> Result<usize, Fail> {
        let Tx::Streaming { mut stream, mut state, id, head_sent, mut finished } = self.tx else { return Ok(0) };
        let mut used = 0usize;
        if !head_sent {
            let url = if self.target.is_empty() { self.cpe.acs_url.as_str() } else { self.target.as_str() };
            used = write_head(
                url,
                &mut self.auth,
                &self.cookies,
                cx.credentials.as_ref(),
                BodyLength::Chunked,
                SoapAction::Empty,
                buf,
            )?;
        }
        loop {
            let rest = buf.get_mut(used..).unwrap_or_default();
            if finished {
                if rest.len() < LAST_CHUNK.len() {
                    break;
                }
                rest[..LAST_CHUNK.len()].copy_from_slice(LAST_CHUNK);
                used += LAST_CHUNK.len();
                self.tx = Tx::None;
                return Ok(used);
            }
            let Some(frame) = ChunkFrame::for_buffer(rest.len()) else { break };
            let (r, st, next) = self.fill_once(stream, state, id, frame.payload(rest), cx);
            state = st;
            stream = next;
            match r {
                Ok(0) => finished = true,
                Ok(n) => used += frame.seal(rest, n)?,
                Err(EncodeError::BufferTooSmall { needed }) if used == 0 => {
                    return Err(Fail::Buffer(needed + 20));
                }
                Err(EncodeError::BufferTooSmall { .. }) => break,
                Err(e) => return Err(Fail::Session(Outcome::Encode(e))),
            }
        }
        self.tx = Tx::Streaming { stream, state, id, head_sent: true, finished };
        if used == 0 && !finished {
            return Err(Fail::Buffer(LAST_CHUNK.len() + 8));
        }
        Ok(used)
    }

    /// One fill of the streamed message into `out`.
    fn fill_once<M: DataModel<Node = N>, const A: usize>(
        &self,
        stream: Stream<N>,
        state: ResumeState,
        id: MsgId,
        out: &mut [u8],
        cx: &mut Context<'_, '_, M, A>,
    ) -> (Result<usize, EncodeError>, ResumeState, Stream<N>) {
        let reader = Reader { engine: &*cx.engine, model: &*cx.model };
        let mut idbuf = heapless::String::new();
        let request = self.request();
        let (version, header) = match (id, request) {
            (MsgId::Ours(n), _) => (self.version, self.our_header(n, &mut idbuf, matches!(stream, Stream::Inform(_)))),
            (MsgId::Echo, Some(req)) => {
                (answer_version(&req, self.version), Header { id: req.header.id, ..Header::default() })
            }
            (MsgId::Echo, None) => return (Err(EncodeError::UnknownMethod), state, stream),
        };
        let scratch = &mut *cx.scratch;
        match (stream, request.map(|r| r.body)) {
            (Stream::Inform(c), _) => {
                let mut events: heapless::Vec<EventStruct<'_>, 64> = heapless::Vec::new();
                for e in self.cpe.events.iter() {
                    let _ = events.push(EventStruct {
                        event_code: Text::plain(e.code_str()),
                        command_key: Text::plain(e.command_key()),
                    });
                }
                let inform = Inform {
                    device_id: DeviceIdStruct {
                        manufacturer: Text::plain(cx.device.manufacturer),
                        oui: Text::plain(cx.device.oui),
                        product_class: Text::plain(cx.device.product_class),
                        serial_number: Text::plain(cx.device.serial_number),
                    },
                    event: List::from(events.as_slice()),
                    max_envelopes: 1,
                    current_time: cx.current_time,
                    retry_count: self.cpe.retry.retry_count(),
                    parameter_list: List::Slice(&[]),
                };
                let env = Envelope { version, header, body: Body::Rpc(Rpc::Inform(inform)) };
                let (r, st, c, _) =
                    fill_stream(env, state, InformSource::new(reader, c), out, scratch, |s| (s.cursor, s.failure));
                (r, st, Stream::Inform(c))
            }
            (Stream::Values(c), Some(Body::Rpc(Rpc::GetParameterValues(g)))) => {
                let names = ListNames(g.parameter_names);
                let env = Envelope {
                    version,
                    header,
                    body: Body::Rpc(Rpc::GetParameterValuesResponse(GetParameterValuesResponse {
                        parameter_list: List::Slice(&[]),
                    })),
                };
                let (r, st, c, _) = fill_stream(env, state, ValuesSource::new(reader, &names, c), out, scratch, |s| {
                    (s.cursor, s.failure)
                });
                (r, st, Stream::Values(c))
            }
            (Stream::Attributes(c), Some(Body::Rpc(Rpc::GetParameterAttributes(g)))) => {
                let names = ListNames(g.parameter_names);
                let env = Envelope {
                    version,
                    header,
                    body: Body::Rpc(Rpc::GetParameterAttributesResponse(GetParameterAttributesResponse {
                        parameter_list: List::Slice(&[]),
                    })),
                };
                let (r, st, c, _) =
                    fill_stream(env, state, AttributesSource::new(reader, &names, c), out, scratch, |s| {
                        (s.cursor, s.failure)
                    });
                (r, st, Stream::Attributes(c))
            }
            (Stream::Names(c), _) => {
                let env = Envelope {
                    version,
                    header,
                    body: Body::Rpc(Rpc::GetParameterNamesResponse(GetParameterNamesResponse {
                        parameter_list: List::Slice(&[]),
                    })),
                };
                let (r, st, c, _) =
                    fill_stream(env, state, NamesSource::new(reader, &[], c), out, scratch, |s| (s.cursor, s.failure));
                (r, st, Stream::Names(c))
            }
            _ => (Err(EncodeError::UnknownMethod), state, stream),
        }
    }

    /// The header of our request `n`.
    fn our_header<'h>(&self, n: u32, id: &'h mut heapless::String<12>, inform: bool) -> Header<'h> {
        let mut h = Header { id: Some(id_text(n, id)), ..Header::default() };
        if inform && self.version >= CwmpVersion::V1_3 {
            h.session_timeout = u32::try_from(self.config.session_timeout.as_secs()).ok();
        }
        if inform && self.version >= CwmpVersion::V1_4 {
            h.supported_cwmp_versions = Some(Text::Plain(SUPPORTED_VERSIONS));
        }
        h
    }

    /// The ACS request in the receive buffer, decoded.
    fn request(&self) -> Option<Envelope<'_>> {
        let (_, body) = self.rx.complete()?;
        Envelope::decode_with(body, Some(Role::Cpe), &DecodeOptions::default()).ok()
    }

    /// Writes our next request after the InformResponse (a pending
    /// TransferComplete or AutonomousTransferComplete unless held), else the
    /// empty POST.
    pub(super) fn write_next<M: DataModel<Node = N>, const A: usize>(
        &mut self,
        buf: &mut [u8],
        cx: &mut Context<'_, '_, M, A>,
    ) -> Result<usize, Fail> {
        let url = if self.target.is_empty() { self.cpe.acs_url.as_str() } else { self.target.as_str() };
        let mut idbuf = heapless::String::new();
        let n = self.next_id;
        let header = self.our_header(n, &mut idbuf, false);
        let creds = cx.credentials;
        let (auth, cookies) = (&mut self.auth, &self.cookies);
        let head = |b: &mut [u8], len: u64| {
            write_head(url, auth, cookies, creds.as_ref(), BodyLength::Length(len), SoapAction::Empty, b)
        };
        let version = self.version;
        let (written, sent) = if let Some(t) = self.cpe.transfers.pending_complete().next().filter(|_| !self.hold) {
            let r = t.result();
            let rpc = Rpc::TransferComplete(TransferComplete {
                command_key: Text::plain(t.command_key()),
                fault_struct: TransferFault {
                    fault_code: r.map_or(FaultCode::NO_FAULT, |r| r.fault_code()),
                    fault_string: Text::plain(r.map_or("", |r| r.fault_string())),
                },
                start_time: r.map_or(DateTime::UNKNOWN, |r| r.start_time()),
                complete_time: r.map_or(DateTime::UNKNOWN, |r| r.complete_time()),
            });
            let id = t.id();
            (write_whole(buf, &Envelope { version, header, body: Body::Rpc(rpc) }, head)?, Sent::TransferComplete(id))
        } else if let Some(a) = self.cpe.autonomous.pending().next().filter(|_| !self.hold) {
            let r = a.result();
            let rpc = Rpc::AutonomousTransferComplete(AutonomousTransferComplete {
                announce_url: Text::plain(a.announce_url()),
                transfer_url: Text::plain(a.transfer_url()),
                is_download: a.is_download(),
                file_type: Text::plain(a.file_type()),
                file_size: a.file_size(),
                target_file_name: Text::plain(a.target_file_name()),
                fault_struct: TransferFault { fault_code: r.fault_code(), fault_string: Text::plain(r.fault_string()) },
                start_time: r.start_time(),
                complete_time: r.complete_time(),
            });
            (write_whole(buf, &Envelope { version, header, body: Body::Rpc(rpc) }, head)?, Sent::Autonomous)
        } else if let Some(c) = self.queued.du_complete.as_ref().filter(|_| !self.hold) {
            // Same capacity as the stored results: collecting cannot overflow.
            let results: heapless::Vec<OpResultStruct<'_>, DU_OPERATIONS> =
                c.results.iter().map(|r| r.op_result()).collect();
            let rpc = Rpc::DuStateChangeComplete(DuStateChangeComplete {
                results: List::from(results.as_slice()),
                command_key: Some(Text::plain(&c.command_key)),
            });
            (write_whole(buf, &Envelope { version, header, body: Body::Rpc(rpc) }, head)?, Sent::DuComplete)
        } else if let Some(c) = self.queued.autonomous_du.as_ref().filter(|_| !self.hold) {
            let results: heapless::Vec<AutonOpResultStruct<'_>, DU_OPERATIONS> =
                c.results.iter().map(|r| r.auton_op_result()).collect();
            let rpc = Rpc::AutonomousDuStateChangeComplete(AutonomousDuStateChangeComplete {
                results: List::from(results.as_slice()),
            });
            (write_whole(buf, &Envelope { version, header, body: Body::Rpc(rpc) }, head)?, Sent::AutonomousDu)
        } else if let Some(rd) = self.queued.request_download.as_ref().filter(|_| !self.hold) {
            let mut args: heapless::Vec<ArgStruct<'_>, REQUEST_DOWNLOAD_ARGS> = heapless::Vec::new();
            for (n, v) in &rd.args {
                // Same capacity as the queue's.
                let _ = args.push(ArgStruct { name: Text::plain(n), value: Text::plain(v) });
            }
            let rpc = Rpc::RequestDownload(RequestDownload {
                file_type: Text::plain(&rd.file_type),
                file_type_arg: List::from(args.as_slice()),
            });
            (write_whole(buf, &Envelope { version, header, body: Body::Rpc(rpc) }, head)?, Sent::RequestDownload)
        } else if self.queued.get_rpc_methods && !self.hold {
            let rpc = Rpc::GetRpcMethods(cwmp_soap::rpc::GetRpcMethods);
            (write_whole(buf, &Envelope { version, header, body: Body::Rpc(rpc) }, head)?, Sent::GetRpcMethods)
        } else {
            let h = write_head(
                url,
                &mut self.auth,
                &self.cookies,
                creds.as_ref(),
                BodyLength::Empty,
                SoapAction::None,
                buf,
            )?;
            self.sent = Some(Sent::EmptyPost);
            self.state = State::EmptyPostSent;
            self.tx = Tx::None;
            return Ok(h);
        };
        self.next_id = self.next_id.wrapping_add(1);
        self.sent = Some(sent);
        self.state = State::CpeRequestSent;
        self.tx = Tx::None;
        Ok(written)
    }
}

/// The version to answer a request in: the namespace the ACS used, never
/// above what we speak.
fn answer_version(req: &Envelope<'_>, session: CwmpVersion) -> CwmpVersion {
    req.version_in_session(session).min(session)
}

/// A buffer found too small after the request ran: the response cannot be
/// produced again, so the session ends (see [`MIN_ANSWER_BUF`]).
fn too_late(f: Fail) -> Fail {
    match f {
        Fail::Buffer(needed) => Fail::Session(Outcome::Encode(EncodeError::BufferTooSmall { needed })),
        f => f,
    }
}

/// A text argument copied out of the request, for the transfer queue.
fn carve<'b>(t: &Text<'_>, rest: &mut &'b mut [u8]) -> Result<&'b str, FaultCode> {
    if let Some(s) = t.as_borrowed() {
        // Borrowed from the request: copy anyway, the request's lifetime is not 'b.
        let (dst, tail) = core::mem::take(rest).split_at_mut_checked(s.len()).ok_or(FaultCode::RESOURCES_EXCEEDED)?;
        dst.copy_from_slice(s.as_bytes());
        *rest = tail;
        return core::str::from_utf8(dst).map_err(|_| FaultCode::INTERNAL_ERROR);
    }
    let len = t.byte_len();
    let (dst, tail) = core::mem::take(rest).split_at_mut_checked(len).ok_or(FaultCode::RESOURCES_EXCEEDED)?;
    *rest = tail;
    t.unescape_into(dst).ok_or(FaultCode::RESOURCES_EXCEEDED)
}

/// The arguments of a Download / Upload / ScheduleDownload (CommandKey,
/// FileType, URL, Username, Password, TargetFileName) copied out of the
/// request into `rest`.
fn transfer_args<'b>(
    texts: [&Text<'_>; 6],
    file_size: u32,
    rest: &mut &'b mut [u8],
) -> Result<TransferArgs<'b>, Refusal> {
    let [k, t, u, n, p, f] = texts;
    Ok(TransferArgs {
        command_key: carve(k, rest).map_err(refuse)?,
        file_type: carve(t, rest).map_err(refuse)?,
        url: carve(u, rest).map_err(refuse)?,
        username: carve(n, rest).map_err(refuse)?,
        password: carve(p, rest).map_err(refuse)?,
        file_size,
        target_file_name: carve(f, rest).map_err(refuse)?,
    })
}

/// What the answer to one ACS request is.
enum Answer<N> {
    /// A whole response.
    Whole(Rpc<'static>),
    /// A streamed response with this many entries.
    Stream(Stream<N>, usize),
    /// GetAllQueuedTransfersResponse, listed from the transfer queue.
    AllQueued,
}

/// A fault answer: the code, and whether it carries the
/// SetParameterValuesFault list.
type Refusal = (FaultCode, bool);

fn refuse(code: FaultCode) -> Refusal {
    (code, false)
}

/// The session's parts an ACS request may change.
struct Parts<'p> {
    cpe: &'p mut CpeState,
    periodic: &'p mut Periodic,
    effects: &'p mut Effects,
    du: &'p mut Option<DuRequest>,
}

/// Runs one ACS request.
fn dispatch<N: Copy + PartialEq, M: DataModel<Node = N>, const A: usize>(
    p: Parts<'_>,
    now: Instant,
    rpc: Rpc<'_>,
    cx: &mut Context<'_, '_, M, A>,
    faults: &mut heapless::Vec<SpvFault, MAX_SPV_FAULTS>,
) -> Result<Answer<N>, Refusal> {
    let engine_err = |e: RpcError| refuse(e.code);
    Ok(match rpc {
        Rpc::GetRpcMethods(_) => {
            Answer::Whole(Rpc::GetRpcMethodsResponse(GetRpcMethodsResponse { method_list: List::from(&METHODS) }))
        }
        Rpc::GetParameterValues(g) => {
            let names = ListNames(g.parameter_names);
            let mut c = cx.engine.get_parameter_values(&*cx.model, &names).map_err(engine_err)?;
            let n = c.count_entries(&*cx.engine, &*cx.model, &names).map_err(engine_err)?;
            Answer::Stream(Stream::Values(c), n as usize)
        }
        Rpc::GetParameterAttributes(g) => {
            let names = ListNames(g.parameter_names);
            let mut c = cx.engine.get_parameter_attributes(&*cx.model, &names).map_err(engine_err)?;
            let n = c.count_entries(&*cx.engine, &*cx.model, &names).map_err(engine_err)?;
            Answer::Stream(Stream::Attributes(c), n as usize)
        }
        Rpc::GetParameterNames(g) => {
            let mut c =
                cx.engine.get_parameter_names(&*cx.model, g.parameter_path, g.next_level).map_err(engine_err)?;
            let n = c.count_entries(&*cx.engine, &*cx.model).map_err(engine_err)?;
            Answer::Stream(Stream::Names(c), n as usize)
        }
        Rpc::SetParameterValues(spv) => {
            let params = spv.parameter_list.iter().map(|pv| SetValue {
                name: pv.name,
                value: pv.value.text,
                ty: match pv.value.xsi_type {
                    cwmp_soap::XsiType::Known(t) => Some(t),
                    _ => None,
                },
            });
            let applied = cx
                .engine
                .set_parameter_values(
                    &mut *cx.model,
                    &mut *cx.model_session,
                    params,
                    spv.parameter_key,
                    faults,
                    cx.scratch,
                )
                .map_err(|e| (e.code, !faults.is_empty()))?;
            set_parameter_key(p.cpe, &spv.parameter_key);
            Answer::Whole(Rpc::SetParameterValuesResponse(SetParameterValuesResponse {
                status: applied.status().into(),
            }))
        }
        Rpc::SetParameterAttributes(spa) => {
            for s in spa.parameter_list.iter() {
                if s.access_list_change {
                    access_list_subscriber(s.access_list.iter()).map_err(engine_err)?;
                }
            }
            let entries = spa.parameter_list.iter().map(|s| SetAttribute {
                name: s.name,
                notification: s.notification_change.then(|| u8::try_from(s.notification).unwrap_or(u8::MAX)),
                access_list: if s.access_list_change {
                    access_list_subscriber(s.access_list.iter()).ok()
                } else {
                    None
                },
            });
            cx.engine.set_parameter_attributes(&*cx.model, entries).map_err(engine_err)?;
            Answer::Whole(Rpc::SetParameterAttributesResponse(SetParameterAttributesResponse))
        }
        Rpc::AddObject(a) => {
            let (instance, applied) = cx
                .engine
                .add_object(&mut *cx.model, &mut *cx.model_session, a.object_name, a.parameter_key)
                .map_err(engine_err)?;
            set_parameter_key(p.cpe, &a.parameter_key);
            Answer::Whole(Rpc::AddObjectResponse(AddObjectResponse {
                instance_number: instance,
                status: applied.status().into(),
            }))
        }
        Rpc::DeleteObject(d) => {
            let applied = cx
                .engine
                .delete_object(&mut *cx.model, &mut *cx.model_session, d.object_name, d.parameter_key)
                .map_err(engine_err)?;
            set_parameter_key(p.cpe, &d.parameter_key);
            Answer::Whole(Rpc::DeleteObjectResponse(DeleteObjectResponse { status: applied.status().into() }))
        }
        Rpc::Reboot(r) => {
            let mut key = [0u8; 128];
            let mut rest = &mut key[..];
            let k = carve(&r.command_key, &mut rest).map_err(refuse)?;
            p.cpe.events.add(EventCode::Method("Reboot"), k).map_err(|_| refuse(FaultCode::INVALID_ARGUMENTS))?;
            p.effects.reboot = true;
            Answer::Whole(Rpc::RebootResponse(RebootResponse))
        }
        Rpc::FactoryReset(_) => {
            p.effects.factory_reset = true;
            Answer::Whole(Rpc::FactoryResetResponse(FactoryResetResponse))
        }
        Rpc::ScheduleInform(si) => {
            let mut key = [0u8; 128];
            let mut rest = &mut key[..];
            let k = carve(&si.command_key, &mut rest).map_err(refuse)?;
            p.periodic.schedule_inform(now, si.delay_seconds, k).map_err(refuse)?;
            Answer::Whole(Rpc::ScheduleInformResponse(ScheduleInformResponse))
        }
        Rpc::Download(d) => {
            let mut rest = &mut *cx.scratch;
            let args = transfer_args(
                [&d.command_key, &d.file_type, &d.url, &d.username, &d.password, &d.target_file_name],
                d.file_size,
                &mut rest,
            )?;
            p.cpe.transfers.download(now, &args, d.delay_seconds).map_err(refuse)?;
            Answer::Whole(Rpc::DownloadResponse(DownloadResponse {
                status: 1,
                start_time: DateTime::UNKNOWN,
                complete_time: DateTime::UNKNOWN,
            }))
        }
        Rpc::Upload(u) => {
            let mut rest = &mut *cx.scratch;
            let args = transfer_args(
                [&u.command_key, &u.file_type, &u.url, &u.username, &u.password, &Text::Plain("")],
                0,
                &mut rest,
            )?;
            p.cpe.transfers.upload(now, &args, u.delay_seconds).map_err(refuse)?;
            Answer::Whole(Rpc::UploadResponse(UploadResponse {
                status: 1,
                start_time: DateTime::UNKNOWN,
                complete_time: DateTime::UNKNOWN,
            }))
        }
        Rpc::ScheduleDownload(d) => {
            let mut rest = &mut *cx.scratch;
            let args = transfer_args(
                [&d.command_key, &d.file_type, &d.url, &d.username, &d.password, &d.target_file_name],
                d.file_size,
                &mut rest,
            )?;
            let mut windows: heapless::Vec<WindowArgs<'_>, 2> = heapless::Vec::new();
            for w in d.time_window_list.iter() {
                let wa = WindowArgs {
                    start: w.window_start,
                    end: w.window_end,
                    mode: carve(&w.window_mode, &mut rest).map_err(refuse)?,
                    user_message: carve(&w.user_message, &mut rest).map_err(refuse)?,
                    max_retries: w.max_retries,
                };
                // One or two windows (TR-069 A.4.1.8); more is invalid.
                windows.push(wa).map_err(|_| refuse(FaultCode::INVALID_ARGUMENTS))?;
            }
            p.cpe.transfers.schedule_download(now, &args, &windows).map_err(refuse)?;
            Answer::Whole(Rpc::ScheduleDownloadResponse(ScheduleDownloadResponse))
        }
        Rpc::GetAllQueuedTransfers(_) => Answer::AllQueued,
        Rpc::CancelTransfer(c) => {
            let mut key = [0u8; 128];
            let mut rest = &mut key[..];
            let k = carve(&c.command_key, &mut rest).map_err(refuse)?;
            p.cpe.transfers.cancel(k).map_err(refuse)?;
            Answer::Whole(Rpc::CancelTransferResponse(CancelTransferResponse))
        }
        Rpc::ChangeDuState(c) => {
            // One request waits for the application at a time.
            if p.du.is_some() {
                return Err(refuse(FaultCode::RESOURCES_EXCEEDED));
            }
            *p.du = Some(DuRequest::from_request(&c).map_err(refuse)?);
            p.effects.change_du_state = true;
            Answer::Whole(Rpc::ChangeDuStateResponse(ChangeDuStateResponse))
        }
        Rpc::Invalid(inv) => return Err(refuse(inv.fault(Role::Cpe))),
        // Unknown and vendor methods, and those this session does not
        // implement (the deprecated ones): Method not
        // supported.
        _ => return Err(refuse(FaultCode::METHOD_NOT_SUPPORTED)),
    })
}

/// Records a ParameterKey the ACS set (kept in the persisted image).
fn set_parameter_key(cpe: &mut CpeState, key: &Text<'_>) {
    let mut buf = [0u8; 128];
    if let Some(k) = key.unescape_into(&mut buf)
        && let Ok(k) = heapless::String::try_from(k)
    {
        cpe.parameter_key = k;
    }
}

impl<N: Copy + PartialEq, const RX: usize> Session<N, RX> {
    /// Answers the ACS request in the receive buffer.
    pub(super) fn answer<M: DataModel<Node = N>, const A: usize>(
        &mut self,
        now: Instant,
        buf: &mut [u8],
        cx: &mut Context<'_, '_, M, A>,
    ) -> Result<usize, Fail> {
        self.sent = Some(Sent::Answer);
        self.state = State::AcsResponseSent;
        let url = self.url_copy();
        let url = url.as_str();
        let creds = cx.credentials;
        let Some((_, body)) = self.rx.complete() else { return Ok(0) };
        let env = match Envelope::decode_with(body, Some(Role::Cpe), &DecodeOptions::default()) {
            Ok(env) => env,
            Err(e) => {
                if buf.len() < MIN_ANSWER_BUF {
                    return Err(Fail::Buffer(MIN_ANSWER_BUF));
                }
                let version = self.version;
                let id = e.id(body);
                let (auth, cookies) = (&mut self.auth, &self.cookies);
                let mut head = |b: &mut [u8], len: u64| {
                    write_head(url, auth, cookies, creds.as_ref(), BodyLength::Length(len), SoapAction::Empty, b)
                };
                self.tx = Tx::None;
                if e.kind == DecodeErrorKind::MustUnderstand {
                    let n = encode_must_understand_fault(buf, version, id)?;
                    let (_, rest) = buf.split_at_mut(n);
                    let h = head(rest, n as u64)?;
                    buf.get_mut(..n + h).ok_or(Fail::Buffer(n + h))?.rotate_right(h);
                    return Ok(n + h);
                }
                let fault = Fault::new(e.fault(Role::Cpe));
                let header = Header { id, ..Header::default() };
                return write_whole(buf, &Envelope { version, header, body: Body::Fault(fault) }, head);
            }
        };
        let streamed = matches!(
            env.body,
            Body::Rpc(Rpc::GetParameterValues(_) | Rpc::GetParameterNames(_) | Rpc::GetParameterAttributes(_))
        );
        if !streamed && buf.len() < MIN_ANSWER_BUF {
            return Err(Fail::Buffer(MIN_ANSWER_BUF));
        }
        let version = answer_version(&env, self.version);
        self.hold = env.header.hold_requests.unwrap_or(false);
        self.held |= self.hold;
        let header = Header { id: env.header.id, ..Header::default() };
        let mut faults: heapless::Vec<SpvFault, MAX_SPV_FAULTS> = heapless::Vec::new();
        let parts =
            Parts { cpe: &mut self.cpe, periodic: &mut self.periodic, effects: &mut self.effects, du: &mut self.du };
        let reply = match env.body {
            Body::Fault(_) => Err(refuse(FaultCode::INVALID_ARGUMENTS)),
            Body::Rpc(rpc) => dispatch(parts, now, rpc, cx, &mut faults),
        };
        push_pending(&mut self.events, Pending::Persist);
        let (auth, cookies) = (&mut self.auth, &self.cookies);
        let head = |b: &mut [u8], len: u64| {
            write_head(url, auth, cookies, creds.as_ref(), BodyLength::Length(len), SoapAction::Empty, b)
        };
        match reply {
            Ok(Answer::Stream(stream, count)) => {
                let state = ResumeState::new(count);
                self.tx = Tx::Streaming { stream, state, id: MsgId::Echo, head_sent: false, finished: false };
                self.continue_stream(buf, cx)
            }
            Ok(Answer::AllQueued) => {
                self.tx = Tx::None;
                let mut list: heapless::Vec<AllQueuedTransferStruct<'_>, 16> = heapless::Vec::new();
                for t in self.cpe.transfers.iter() {
                    // The queue holds at most 16 (its capacity `T` ≤ 16 by default 4).
                    let _ = list.push(AllQueuedTransferStruct {
                        command_key: Text::plain(t.command_key()),
                        state: i32::from(t.state().code()),
                        is_download: t.kind().is_download(),
                        file_type: Text::plain(t.file_type()),
                        file_size: t.file_size(),
                        target_file_name: Text::plain(t.target_file_name()),
                    });
                }
                let rpc = Rpc::GetAllQueuedTransfersResponse(GetAllQueuedTransfersResponse {
                    transfer_list: List::from(list.as_slice()),
                });
                write_whole(buf, &Envelope { version, header, body: Body::Rpc(rpc) }, head).map_err(too_late)
            }
            Ok(Answer::Whole(rpc)) => {
                self.tx = Tx::None;
                write_whole(buf, &Envelope { version, header, body: Body::Rpc(rpc) }, head).map_err(too_late)
            }
            Err((code, with_spv_faults)) => {
                self.tx = Tx::None;
                let mut list: heapless::Vec<SetParameterValuesFault<'_>, MAX_SPV_FAULTS> = heapless::Vec::new();
                if with_spv_faults && let Body::Rpc(Rpc::SetParameterValues(spv)) = env.body {
                    for f in &faults {
                        let name = spv.parameter_list.iter().nth(f.index).map_or(Text::Plain(""), |p| p.name);
                        let _ = list.push(SetParameterValuesFault {
                            parameter_name: name,
                            fault_code: f.code,
                            fault_string: f.code.fault_string().map(Text::Plain),
                        });
                    }
                }
                let mut fault = Fault::new(code);
                fault.detail.set_parameter_values_fault = List::from(list.as_slice());
                write_whole(buf, &Envelope { version, header, body: Body::Fault(fault) }, head).map_err(too_late)
            }
        }
    }

    /// Reads the complete response in the receive buffer.
    pub(super) fn read_response<M: DataModel<Node = N>, const A: usize>(
        &mut self,
        now: Instant,
        cx: &mut Context<'_, '_, M, A>,
    ) {
        self.unread = false;
        let Some(sent) = self.sent else { return };
        let Some((head, body)) = self.rx.complete() else { return };
        let mut headers = [EMPTY_HEADER; MAX_HEADERS];
        let h = match head::parse_response(head, &mut headers, &self.config.limits, Quirks::LENIENT, false) {
            Ok(Parsed::Complete(h)) => h,
            Ok(Parsed::Partial) => return self.fail(now, Outcome::Unexpected),
            Err(e) => return self.fail(now, Outcome::Http(e)),
        };
        for c in h.set_cookies() {
            // A cookie we cannot keep is dropped; the session goes on
            // (ACSes must not depend on cookies, SPEC-FACTS).
            let _ = self.cookies.store(c);
        }
        let status = h.status;
        let close = h.close;
        let tls = Url::parse(self.url()).is_ok_and(|u| u.scheme == Scheme::Https);
        if status == 401 {
            if sent == Sent::Answer || cx.credentials.is_none() {
                return self.fail(now, Outcome::AuthFailed);
            }
            if self.auth.on_challenge(h.www_authenticate(), tls, &cx.random).is_err() {
                return self.fail(now, Outcome::AuthFailed);
            }
            return self.resend(close);
        }
        if Redirects::is_redirect(status) {
            let location = h.location();
            let url = self.url_copy();
            let followed = Url::parse(&url).ok().map(|cur| self.redirects.follow(&cur, status, location));
            let (Some(Ok(_)), Some(loc)) = (followed, location) else {
                return self.fail(now, Outcome::Status(status));
            };
            if sent == Sent::Answer || {
                self.target.clear();
                self.target.push_str(loc).is_err()
            } {
                return self.fail(now, Outcome::Status(status));
            }
            self.auth.reset();
            return self.resend(true);
        }
        self.auth.on_success();
        if status != 200 && status != 204 {
            return self.fail(now, Outcome::Status(status));
        }
        if status == 204 || body.iter().all(u8::is_ascii_whitespace) {
            // The ACS has nothing more: the session ends.
            return match sent {
                Sent::EmptyPost | Sent::Answer => self.end(now, Outcome::Success),
                _ => self.fail(now, Outcome::Unexpected),
            };
        }
        if matches!(sent, Sent::EmptyPost | Sent::Answer) {
            // An ACS request: answered by the next poll_transmit.
            self.tx = Tx::Answer;
            if close {
                self.fail(now, Outcome::ConnectionLost);
            }
            return;
        }
        let env = match Envelope::decode_with(body, Some(Role::Cpe), &DecodeOptions::default()) {
            Ok(env) => env,
            Err(_) => return self.fail(now, Outcome::Unexpected),
        };
        let rpc = match env.body {
            Body::Rpc(rpc) => rpc,
            Body::Fault(f) => return self.fail(now, Outcome::Fault(f.detail.fault_code)),
        };
        let hold = env.header.hold_requests.unwrap_or(false);
        match (sent, rpc) {
            (Sent::Inform, Rpc::InformResponse(_)) => {
                let ours = self.config.version;
                let negotiated = env.header.use_cwmp_version.and_then(|t| {
                    let mut b = [0u8; 8];
                    t.unescape_into(&mut b).and_then(CwmpVersion::parse)
                });
                self.version = negotiated.unwrap_or(env.version_in_session(ours)).min(ours);
                self.informed = true;
                self.cpe.inform_acknowledged();
                cx.engine.clear_pending();
            }
            (Sent::TransferComplete(id), Rpc::TransferCompleteResponse(_)) => {
                self.cpe.transfers.acknowledged(id, &mut self.cpe.events);
            }
            (Sent::Autonomous, Rpc::AutonomousTransferCompleteResponse(_)) => {
                self.cpe.autonomous.acknowledged(&mut self.cpe.events);
            }
            (Sent::RequestDownload, Rpc::RequestDownloadResponse(_)) => {
                self.queued.request_download = None;
                self.cpe.events.response_received(RequiredResponse::RequestDownloadResponse, "", false);
            }
            (Sent::GetRpcMethods, Rpc::GetRpcMethodsResponse(_)) => self.queued.get_rpc_methods = false,
            (Sent::DuComplete, Rpc::DuStateChangeCompleteResponse(_)) => {
                if let Some(c) = self.queued.du_complete.take() {
                    let r = RequiredResponse::DuStateChangeCompleteResponse;
                    self.cpe.events.response_received(r, &c.command_key, false);
                }
            }
            (Sent::AutonomousDu, Rpc::AutonomousDuStateChangeCompleteResponse(_)) => {
                self.queued.autonomous_du = None;
                let r = RequiredResponse::AutonomousDuStateChangeCompleteResponse;
                self.cpe.events.response_received(r, "", false);
            }
            _ => return self.fail(now, Outcome::Unexpected),
        }
        self.hold = hold;
        self.held |= hold;
        self.push(Pending::Persist);
        self.rx.clear();
        self.tx = Tx::Next;
        if close {
            self.resend(true);
        }
    }

    /// Sends the last request again (after a 401 or a redirect), on a new
    /// connection when the old one closes.
    fn resend(&mut self, reconnect: bool) {
        self.rx.clear();
        self.tx = if self.informed { Tx::Next } else { Tx::Inform };
        if reconnect {
            self.push(Pending::Close);
            self.push(Pending::Open);
            self.connected = false;
            self.state = State::Connecting;
        }
    }
}
