// Reads an iCalendar file on standard input with ical.js, as Thunderbird and several web
// calendars do, and prints each event's UID, summary and start and end in UTC as JSON, so a
// Python test can compare them with the meetings the file is meant to hold.
import ICAL from "ical.js";

let text = "";
process.stdin.setEncoding("utf8");
for await (const chunk of process.stdin) text += chunk;

const calendar = new ICAL.Component(ICAL.parse(text));
// Register the file's own VTIMEZONEs, as a client does, so TZIDs resolve through them.
for (const vtimezone of calendar.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(vtimezone);
}
const events = calendar.getAllSubcomponents("vevent").map((component) => {
  const event = new ICAL.Event(component);
  return {
    uid: event.uid,
    summary: event.summary,
    tzid: event.startDate.zone ? event.startDate.zone.tzid : null,
    start: event.startDate.toJSDate().toISOString(),
    end: event.endDate.toJSDate().toISOString(),
    sequence: event.sequence,
    status: component.getFirstPropertyValue("status"),
  };
});
process.stdout.write(JSON.stringify({
  method: calendar.getFirstPropertyValue("method"),
  refresh: String(calendar.getFirstPropertyValue("refresh-interval") ?? ""),
  events,
}));
