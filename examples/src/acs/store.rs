//! Where the ACS keeps what it knows: devices, their last Inform, reported
//! parameters, queued tasks and their results, session history. The
//! [`Store`] trait is what the server needs; [`SqliteStore`] keeps it in
//! one SQLite file (bundled SQLite through `rusqlite`: nothing to install).
//! Every write that belongs together (an Inform and its parameters, a
//! result and the values it reported) is one transaction, so a crash or a
//! hostile CPE never leaves half of it.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, params};
use serde_json::{Value, json};

use super::task::Task;

/// A store failure (the server logs it and refuses the device or the task).
pub type StoreError = rusqlite::Error;

/// What an Inform tells about a device.
#[derive(Debug, Clone, PartialEq)]
pub struct InformRecord {
    /// The device's key: `OUI-ProductClass-SerialNumber`.
    pub key: String,
    /// Manufacturer.
    pub manufacturer: String,
    /// The event codes (`1 BOOT`, ...).
    pub events: Vec<String>,
    /// Forced-inform and changed parameters: (name, value, type).
    pub parameters: Vec<(String, String, String)>,
}

/// How a task ended, as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskResult {
    /// `done` (response), `fault` or `failed`.
    pub state: &'static str,
    /// The response, fault or failure as JSON.
    pub result: Value,
    /// Parameter values the response reported: (name, value, type).
    pub parameters: Vec<(String, String, String)>,
}

/// The ACS's storage. Device keys are `OUI-ProductClass-SerialNumber`;
/// device numbers are the store's own ([`cwmp_session::acs::DeviceRef`]).
pub trait Store: Send {
    /// Records an Inform (device created on first contact); the device's number.
    fn record_inform(&mut self, inform: &InformRecord) -> Result<i64, StoreError>;
    /// The device's tree has not been discovered yet (its first contact,
    /// or every earlier discovery was cut short).
    fn needs_discovery(&mut self, device: i64) -> Result<bool, StoreError>;
    /// Records names found by GetParameterNames: (name, writable).
    fn record_names(&mut self, device: i64, names: &[(String, bool)]) -> Result<(), StoreError>;
    /// Ends the discovery with the summary values read: (name, value, type).
    fn discovered(&mut self, device: i64, parameters: &[(String, String, String)]) -> Result<(), StoreError>;
    /// Queues a task for a known device; the task's number, `None` for an unknown device.
    fn queue_task(&mut self, device_key: &str, task: &Task) -> Result<Option<i64>, StoreError>;
    /// The oldest queued task of `device`.
    fn next_task(&mut self, device: i64) -> Result<Option<(i64, Task)>, StoreError>;
    /// Marks a task sent in `session` under `cwmp:ID` `id`.
    fn mark_sent(&mut self, task: i64, session: u64, id: u32) -> Result<(), StoreError>;
    /// Stores the result of the task sent in `session` as `id`.
    fn finish_task(&mut self, device: i64, session: u64, id: u32, result: &TaskResult) -> Result<(), StoreError>;
    /// Puts the task sent in `session` as `id` back in the queue (no answer came).
    fn requeue(&mut self, session: u64, id: u32) -> Result<(), StoreError>;
    /// Records a finished session.
    fn record_session(
        &mut self,
        device: Option<i64>,
        session: u64,
        end: &str,
        completed: u16,
    ) -> Result<(), StoreError>;
    /// All devices, as JSON summaries.
    fn devices(&mut self) -> Result<Value, StoreError>;
    /// One device with its parameters, tasks and sessions.
    fn device(&mut self, key: &str) -> Result<Option<Value>, StoreError>;
}

/// [`Store`] in SQLite.
#[derive(Debug)]
pub struct SqliteStore {
    db: Connection,
}

const SCHEMA: &str = "
PRAGMA journal_mode = WAL;
CREATE TABLE IF NOT EXISTS devices (
    id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, manufacturer TEXT NOT NULL,
    first_seen INTEGER NOT NULL, last_inform INTEGER NOT NULL, last_events TEXT NOT NULL,
    discovered INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS names (
    device INTEGER NOT NULL REFERENCES devices(id), name TEXT NOT NULL, writable INTEGER NOT NULL,
    PRIMARY KEY (device, name));
CREATE TABLE IF NOT EXISTS parameters (
    device INTEGER NOT NULL REFERENCES devices(id), name TEXT NOT NULL, value TEXT NOT NULL,
    type TEXT NOT NULL, updated INTEGER NOT NULL, PRIMARY KEY (device, name));
CREATE TABLE IF NOT EXISTS tasks (
    id INTEGER PRIMARY KEY, device INTEGER NOT NULL REFERENCES devices(id), task TEXT NOT NULL,
    state TEXT NOT NULL, session INTEGER, cwmp_id INTEGER, result TEXT,
    queued INTEGER NOT NULL, finished INTEGER);
CREATE TABLE IF NOT EXISTS sessions (
    id INTEGER PRIMARY KEY, device INTEGER, session TEXT NOT NULL, ended INTEGER NOT NULL,
    end_reason TEXT NOT NULL, completed INTEGER NOT NULL);
";

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

// SQLite integers are signed: session IDs are stored bit for bit.
fn sid(session: u64) -> i64 {
    i64::from_ne_bytes(session.to_ne_bytes())
}

fn upsert_parameters(
    tx: &rusqlite::Transaction<'_>,
    device: i64,
    parameters: &[(String, String, String)],
) -> Result<(), StoreError> {
    let mut st = tx.prepare_cached(
        "INSERT INTO parameters (device, name, value, type, updated) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (device, name) DO UPDATE SET value = excluded.value, type = excluded.type, updated = excluded.updated",
    )?;
    for (n, v, t) in parameters {
        st.execute(params![device, n, v, t, now()])?;
    }
    Ok(())
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `path`. Tasks left sent
    /// by a previous run go back to the queue: their sessions are gone.
    pub fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        let db = Connection::open(path)?;
        db.execute_batch(SCHEMA)?;
        db.execute("UPDATE tasks SET state = 'queued', session = NULL, cwmp_id = NULL WHERE state = 'sent'", [])?;
        Ok(SqliteStore { db })
    }
}

impl Store for SqliteStore {
    fn record_inform(&mut self, inform: &InformRecord) -> Result<i64, StoreError> {
        let tx = self.db.transaction()?;
        let events = serde_json::to_string(&inform.events).unwrap_or_default();
        let id: i64 = tx.query_row(
            "INSERT INTO devices (key, manufacturer, first_seen, last_inform, last_events) VALUES (?1, ?2, ?3, ?3, ?4)
             ON CONFLICT (key) DO UPDATE SET manufacturer = excluded.manufacturer,
                 last_inform = excluded.last_inform, last_events = excluded.last_events
             RETURNING id",
            params![inform.key, inform.manufacturer, now(), events],
            |r| r.get(0),
        )?;
        upsert_parameters(&tx, id, &inform.parameters)?;
        tx.commit()?;
        Ok(id)
    }

    fn needs_discovery(&mut self, device: i64) -> Result<bool, StoreError> {
        let done: Option<i64> =
            self.db.query_row("SELECT discovered FROM devices WHERE id = ?1", [device], |r| r.get(0)).optional()?;
        Ok(done == Some(0))
    }

    fn record_names(&mut self, device: i64, names: &[(String, bool)]) -> Result<(), StoreError> {
        let tx = self.db.transaction()?;
        {
            let mut st = tx.prepare_cached(
                "INSERT INTO names (device, name, writable) VALUES (?1, ?2, ?3)
                 ON CONFLICT (device, name) DO UPDATE SET writable = excluded.writable",
            )?;
            for (n, w) in names {
                st.execute(params![device, n, w])?;
            }
        }
        tx.commit()
    }

    fn discovered(&mut self, device: i64, parameters: &[(String, String, String)]) -> Result<(), StoreError> {
        let tx = self.db.transaction()?;
        upsert_parameters(&tx, device, parameters)?;
        tx.execute("UPDATE devices SET discovered = 1 WHERE id = ?1", [device])?;
        tx.commit()
    }

    fn queue_task(&mut self, device_key: &str, task: &Task) -> Result<Option<i64>, StoreError> {
        let tx = self.db.transaction()?;
        let Some(device): Option<i64> =
            tx.query_row("SELECT id FROM devices WHERE key = ?1", [device_key], |r| r.get(0)).optional()?
        else {
            return Ok(None);
        };
        tx.execute(
            "INSERT INTO tasks (device, task, state, queued) VALUES (?1, ?2, 'queued', ?3)",
            params![device, task.to_json().to_string(), now()],
        )?;
        let id = tx.last_insert_rowid();
        tx.commit()?;
        Ok(Some(id))
    }

    fn next_task(&mut self, device: i64) -> Result<Option<(i64, Task)>, StoreError> {
        let row: Option<(i64, String)> = self
            .db
            .query_row(
                "SELECT id, task FROM tasks WHERE device = ?1 AND state = 'queued' ORDER BY id LIMIT 1",
                [device],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((id, json)) = row else { return Ok(None) };
        // Tasks are checked when queued; one that no longer reads (edited
        // by hand) is failed with the reason rather than retried forever.
        match serde_json::from_str(&json)
            .map_err(|e| e.to_string())
            .and_then(|v| Task::from_json(&v).map_err(|e| e.to_string()))
        {
            Ok(task) => Ok(Some((id, task))),
            Err(why) => {
                self.db.execute(
                    "UPDATE tasks SET state = 'failed', result = ?2, finished = ?3 WHERE id = ?1",
                    params![id, json!({"error": why}).to_string(), now()],
                )?;
                self.next_task(device)
            }
        }
    }

    fn mark_sent(&mut self, task: i64, session: u64, id: u32) -> Result<(), StoreError> {
        self.db.execute(
            "UPDATE tasks SET state = 'sent', session = ?2, cwmp_id = ?3 WHERE id = ?1",
            params![task, sid(session), id],
        )?;
        Ok(())
    }

    fn finish_task(&mut self, device: i64, session: u64, id: u32, result: &TaskResult) -> Result<(), StoreError> {
        let tx = self.db.transaction()?;
        tx.execute(
            "UPDATE tasks SET state = ?3, result = ?4, finished = ?5 WHERE session = ?1 AND cwmp_id = ?2 AND state = 'sent'",
            params![sid(session), id, result.state, result.result.to_string(), now()],
        )?;
        upsert_parameters(&tx, device, &result.parameters)?;
        tx.commit()
    }

    fn requeue(&mut self, session: u64, id: u32) -> Result<(), StoreError> {
        self.db.execute(
            "UPDATE tasks SET state = 'queued', session = NULL, cwmp_id = NULL
             WHERE session = ?1 AND cwmp_id = ?2 AND state = 'sent'",
            params![sid(session), id],
        )?;
        Ok(())
    }

    fn record_session(
        &mut self,
        device: Option<i64>,
        session: u64,
        end: &str,
        completed: u16,
    ) -> Result<(), StoreError> {
        self.db.execute(
            "INSERT INTO sessions (device, session, ended, end_reason, completed) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![device, format!("{session:016x}"), now(), end, completed],
        )?;
        Ok(())
    }

    fn devices(&mut self) -> Result<Value, StoreError> {
        let mut st = self.db.prepare("SELECT key, manufacturer, first_seen, last_inform FROM devices ORDER BY key")?;
        let rows = st.query_map([], |r| {
            Ok(json!({
                "id": r.get::<_, String>(0)?, "manufacturer": r.get::<_, String>(1)?,
                "firstSeen": r.get::<_, i64>(2)?, "lastInform": r.get::<_, i64>(3)?,
            }))
        })?;
        Ok(Value::Array(rows.collect::<Result<_, _>>()?))
    }

    fn device(&mut self, key: &str) -> Result<Option<Value>, StoreError> {
        let row: Option<(i64, String, i64, i64, String, bool)> = self
            .db
            .query_row(
                "SELECT id, manufacturer, first_seen, last_inform, last_events, discovered FROM devices WHERE key = ?1",
                [key],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
            )
            .optional()?;
        let Some((id, manufacturer, first, last, events, discovered)) = row else { return Ok(None) };
        let names: i64 = self.db.query_row("SELECT count(*) FROM names WHERE device = ?1", [id], |r| r.get(0))?;
        let mut parameters = serde_json::Map::new();
        let mut st = self.db.prepare("SELECT name, value, type FROM parameters WHERE device = ?1 ORDER BY name")?;
        for r in st.query_map([id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))? {
            let (n, v, t) = r?;
            parameters.insert(n, json!({"value": v, "type": t}));
        }
        let mut st = self.db.prepare("SELECT id, task, state, result FROM tasks WHERE device = ?1 ORDER BY id")?;
        let tasks = st
            .query_map([id], |r| {
                let task: String = r.get(1)?;
                let result: Option<String> = r.get(3)?;
                Ok(json!({
                    "id": r.get::<_, i64>(0)?,
                    "task": serde_json::from_str::<Value>(&task).unwrap_or(Value::String(task)),
                    "state": r.get::<_, String>(2)?,
                    "result": result.map(|s| serde_json::from_str::<Value>(&s).unwrap_or(Value::String(s))),
                }))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let mut st = self.db.prepare(
            "SELECT session, ended, end_reason, completed FROM sessions WHERE device = ?1 ORDER BY id DESC LIMIT 50",
        )?;
        let sessions = st
            .query_map([id], |r| {
                Ok(json!({
                    "session": r.get::<_, String>(0)?, "ended": r.get::<_, i64>(1)?,
                    "end": r.get::<_, String>(2)?, "completed": r.get::<_, i64>(3)?,
                }))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Some(json!({
            "id": key, "manufacturer": manufacturer, "firstSeen": first, "lastInform": last,
            "discovered": discovered, "namesDiscovered": names,
            "lastEvents": serde_json::from_str::<Value>(&events).unwrap_or(Value::Null),
            "parameters": parameters, "tasks": tasks, "sessions": sessions,
        })))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store_with_device() -> (SqliteStore, i64) {
        let mut s = SqliteStore::open(Path::new(":memory:")).unwrap();
        let inform = InformRecord {
            key: "OUI-PC-1".into(),
            manufacturer: "M".into(),
            events: vec!["0 BOOTSTRAP".into()],
            parameters: vec![("Device.DeviceInfo.UpTime".into(), "1".into(), "unsignedInt".into())],
        };
        let id = s.record_inform(&inform).unwrap();
        (s, id)
    }

    /// Regression: a session ID whose hex has only digits was stored as an
    /// integer (INTEGER affinity) and then failed to read back as text,
    /// breaking GET /devices/{id}.
    #[test]
    fn all_digit_session_ids_read_back_as_hex_text() {
        let (mut s, id) = store_with_device();
        s.record_session(Some(id), 0x0000_0000_0000_0123, "Completed", 0).unwrap();
        let dev = s.device("OUI-PC-1").unwrap().unwrap();
        assert_eq!(dev["sessions"][0]["session"], "0000000000000123");
    }

    /// A task answered in one session is not touched by the same ID in
    /// another; an unanswered one goes back to the queue, and tasks left
    /// sent by a previous run are queued again on open.
    #[test]
    fn task_results_are_keyed_by_session_and_id() {
        let (mut s, id) = store_with_device();
        let t = Task::Reboot { command_key: "k".into() };
        let n = s.queue_task("OUI-PC-1", &t).unwrap().unwrap();
        assert_eq!(s.queue_task("nobody", &t).unwrap(), None);
        assert_eq!(s.next_task(id).unwrap(), Some((n, t.clone())));
        s.mark_sent(n, 7, 1).unwrap();
        assert_eq!(s.next_task(id).unwrap(), None, "a sent task is not sent twice");
        let done = TaskResult { state: "done", result: json!({}), parameters: vec![] };
        s.finish_task(id, 8, 1, &done).unwrap();
        assert_eq!(s.device("OUI-PC-1").unwrap().unwrap()["tasks"][0]["state"], "sent", "other session");
        s.requeue(7, 1).unwrap();
        assert_eq!(s.next_task(id).unwrap(), Some((n, t)));
        s.mark_sent(n, 9, 1).unwrap();
        s.finish_task(id, 9, 1, &done).unwrap();
        assert_eq!(s.device("OUI-PC-1").unwrap().unwrap()["tasks"][0]["state"], "done");
    }
}
