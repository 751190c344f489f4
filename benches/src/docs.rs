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

/// A GetParameterValuesResponse with `entries` ParameterValueStructs inside a
/// normal SOAP-ENV envelope in the cwmp-1-0 namespace, with realistic
/// TR-181/TR-098 names and mixed `xsi:type`s. Deterministic: 500 entries give
/// the ~71 KB document of the issue.
pub fn gpv_response(entries: usize) -> String {
    let mut s = String::with_capacity(entries * 150 + 1024);
    s.push_str(concat!(
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
    for i in 0..entries {
        let (path, ty, value) = PATHS[i % PATHS.len()];
        let inst = (i / PATHS.len()) % 8 + 1;
        let path = path.replace("{}", &inst.to_string());
        let value = value.replace("{}", &(i % 10).to_string());
        s.push_str("<ParameterValueStruct>\n  <Name>");
        s.push_str(&path);
        s.push_str("</Name>\n  <Value xsi:type=\"");
        s.push_str(ty);
        s.push_str("\">");
        s.push_str(&value);
        s.push_str("</Value>\n</ParameterValueStruct>\n");
    }
    s.push_str(
        "      </ParameterList>\n    </cwmp:GetParameterValuesResponse>\n  </SOAP-ENV:Body>\n</SOAP-ENV:Envelope>\n",
    );
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
