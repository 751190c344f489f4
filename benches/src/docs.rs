//! Benchmark documents.

/// Object paths a TR-181 / TR-098 device reports, with `{}` for an instance number.
const PATHS: [(&str, &str, &str); 20] = [
    ("Device.DeviceInfo.SoftwareVersion", "xsd:string", "V1.2.3-build.{}"),
    ("Device.DeviceInfo.UpTime", "xsd:unsignedInt", "{}7315"),
    ("Device.WiFi.SSID.{}.SSID", "xsd:string", "Home &amp; Office {}"),
    ("Device.WiFi.SSID.{}.Enable", "xsd:boolean", "true"),
    ("Device.WiFi.SSID.{}.Stats.BytesSent", "xsd:unsignedLong", "98213{}45"),
    ("Device.WiFi.Radio.{}.Channel", "xsd:unsignedInt", "{}"),
    ("Device.WiFi.AccessPoint.{}.Security.ModeEnabled", "xsd:string", "WPA2-Personal"),
    ("Device.IP.Interface.{}.IPv4Address.1.IPAddress", "xsd:string", "192.168.{}.1"),
    ("Device.IP.Interface.{}.Status", "xsd:string", "Up"),
    ("Device.Hosts.Host.{}.PhysAddress", "xsd:string", "00:1A:2B:3C:4D:{}"),
    ("Device.Hosts.Host.{}.LeaseTimeRemaining", "xsd:int", "-{}"),
    ("Device.Ethernet.Interface.{}.MaxBitRate", "xsd:int", "1000"),
    ("Device.DHCPv4.Server.Pool.{}.MinAddress", "xsd:string", "192.168.1.{}"),
    ("Device.ManagementServer.PeriodicInformTime", "xsd:dateTime", "2024-05-0{}T12:00:00Z"),
    ("Device.Time.CurrentLocalTime", "xsd:dateTime", "2024-05-17T08:3{}:00+02:00"),
    ("InternetGatewayDevice.LANDevice.1.WLANConfiguration.{}.BeaconType", "xsd:string", "11i"),
    (
        "InternetGatewayDevice.WANDevice.1.WANConnectionDevice.1.WANPPPConnection.{}.Username",
        "xsd:string",
        "user{}@isp.example",
    ),
    ("InternetGatewayDevice.LANDevice.1.Hosts.Host.{}.HostName", "xsd:string", "laptop-{}"),
    ("Device.X_ACME_Diagnostics.{}.Result", "xsd:base64", "QUJD{}REVG"),
    ("Device.Users.User.{}.Password", "xsd:string", ""),
];

/// Everything of a GetParameterValuesResponse before its entries.
fn gpv_head(entries: usize) -> String {
    let mut s = String::from(concat!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
        "<SOAP-ENV:Envelope xmlns:SOAP-ENV=\"http://schemas.xmlsoap.org/soap/envelope/\" ",
        "xmlns:SOAP-ENC=\"http://schemas.xmlsoap.org/soap/encoding/\" ",
        "xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" ",
        "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" ",
        "xmlns:cwmp=\"urn:dslforum-org:cwmp-1-0\">\n",
        "  <SOAP-ENV:Header>\n",
        "    <cwmp:ID SOAP-ENV:mustUnderstand=\"1\">1234567890</cwmp:ID>\n",
        "  </SOAP-ENV:Header>\n",
        "  <SOAP-ENV:Body>\n",
        "    <cwmp:GetParameterValuesResponse>\n",
    ));
    s.push_str(&format!("      <ParameterList SOAP-ENC:arrayType=\"cwmp:ParameterValueStruct[{entries}]\">\n"));
    s
}

/// One ParameterValueStruct; the arguments are markup-safe already.
fn push_entry(s: &mut String, name: &str, ty: &str, value: &str) {
    s.push_str("<ParameterValueStruct>\n  <Name>");
    s.push_str(name);
    s.push_str("</Name>\n  <Value xsi:type=\"");
    s.push_str(ty);
    s.push_str("\">");
    s.push_str(value);
    s.push_str("</Value>\n</ParameterValueStruct>\n");
}

/// Everything of a GetParameterValuesResponse after its entries.
const GPV_TAIL: &str =
    "      </ParameterList>\n    </cwmp:GetParameterValuesResponse>\n  </SOAP-ENV:Body>\n</SOAP-ENV:Envelope>\n";

/// A GetParameterValuesResponse with `entries` ParameterValueStructs inside a
/// normal SOAP-ENV envelope in the cwmp-1-0 namespace, with realistic
/// TR-181/TR-098 names and mixed `xsi:type`s. Deterministic: 500 entries give
/// the ~71 KB document of the issue.
pub fn gpv_response(entries: usize) -> String {
    let mut s = String::with_capacity(entries * 150 + 1024);
    s.push_str(&gpv_head(entries));
    for i in 0..entries {
        let (path, ty, value) = PATHS[i % PATHS.len()];
        let inst = (i / PATHS.len()) % 8 + 1;
        let path = path.replace("{}", &inst.to_string());
        let value = value.replace("{}", &(i % 10).to_string());
        push_entry(&mut s, &path, ty, &value);
    }
    s.push_str(GPV_TAIL);
    s
}

/// The largest XML message of the shared corpus (by body size), as
/// `(file name, body)`.
pub fn largest_corpus_message() -> (String, Vec<u8>) {
    let files = cwmp_testkit::corpus::files("messages", &[".xml", ".http"]);
    files
        .iter()
        .map(|f| {
            (
                f.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
                cwmp_testkit::corpus::soap_body(f),
            )
        })
        .max_by_key(|(_, b)| b.len())
        .expect("corpus messages")
}

/// The records of a CSV text (RFC 4180: quoted fields may hold commas,
/// doubled quotes and line breaks).
fn csv_records(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\n') => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, '\r') => {}
            (false, c) => field.push(c),
        }
    }
    if !field.is_empty() || !record.is_empty() {
        record.push(field);
        records.push(record);
    }
    records
}

/// `s` as XML character data.
fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('\r', "&#13;")
}

/// A GetParameterValuesResponse for the whole tree of a real device, built
/// from its genieacs-sim dump in `devicemodels/genieacs-sim/` (`file`, e.g.
/// `tplink-EX220.csv`): every parameter (not object) with the name, value
/// and `xsi:type` the device reported, in the dump's order, laid out as the
/// synthetic [`gpv_response`] is (SOAP-ENV envelope, cwmp-1-0, one entry
/// per `ParameterValueStruct`). Returns the document and its entry count.
pub fn gpv_from_dump(file: &str) -> (String, usize) {
    let text = String::from_utf8(cwmp_testkit::corpus::read(&format!("devicemodels/genieacs-sim/{file}")))
        .expect("dump is UTF-8");
    let records = csv_records(&text);
    let header = records.first().expect("CSV header");
    let col = |name: &str| header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name}"));
    let (name_c, object_c, value_c, type_c) = (col("Parameter"), col("Object"), col("Value"), col("Value type"));
    let entries: Vec<(&str, &str, &str)> = records[1..]
        .iter()
        .filter(|r| r.get(object_c).map(String::as_str) == Some("false"))
        .filter(|r| !r[name_c].starts_with("DeviceID."))
        .filter_map(|r| {
            let ty = r.get(type_c).filter(|t| !t.is_empty())?;
            Some((r[name_c].as_str(), ty.as_str(), r.get(value_c).map_or("", String::as_str)))
        })
        .collect();
    let mut s = String::with_capacity(text.len());
    s.push_str(&gpv_head(entries.len()));
    for (name, ty, value) in &entries {
        push_entry(&mut s, &escape(name), &escape(ty), &escape(value));
    }
    s.push_str(GPV_TAIL);
    (s, entries.len())
}

/// The Thomson ST706 GetParameterNamesResponse of the corpus (587 KB, 3 263
/// entries): the largest real message.
pub fn thomson_gpn_response() -> Vec<u8> {
    cwmp_testkit::corpus::read("messages/real/thomson-st706-GetParameterNamesResponse-1.xml")
}
