// Package sheet reads and writes the spreadsheets managers keep: it parses .xlsx
// and .csv files of one kind of profile, with Chinese or English column names and
// district and chain names as well as codes, into profile values and per-row
// errors; and it writes import templates, profile lists and the KPI report as
// .xlsx. It does no I/O beyond the bytes it is given and knows nothing of HTTP or
// the database: the api package decides who may import what and writes the rows.
package sheet
