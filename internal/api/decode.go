package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"fuhua/internal/profile"
)

// readObject reads the body as one JSON object and returns its top-level members.
// It answers 413 past MaxBody, 415 for a non-JSON content type, and 400 for
// anything that is not exactly one JSON object.
func readObject(c *gin.Context) (map[string]json.RawMessage, []byte, error) {
	if ct := c.GetHeader("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return nil, nil, newHTTPError(http.StatusUnsupportedMediaType, "unsupported_media_type", "",
				"send the body as application/json", "请求体须为 application/json")
		}
	}
	body, err := io.ReadAll(c.Request.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, nil, newHTTPError(http.StatusRequestEntityTooLarge, "body_too_large", "",
				fmt.Sprintf("the request body is larger than %d bytes", MaxBody), fmt.Sprintf("请求体超过 %d 字节", MaxBody))
		}
		return nil, nil, newHTTPError(http.StatusBadRequest, "unreadable_body", "", "the request body could not be read", "无法读取请求体")
	}
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return nil, nil, newHTTPError(http.StatusBadRequest, "empty_body", "", "the request body is empty; send a JSON object", "请求体为空，请发送 JSON 对象")
	}
	if trimmed[0] != '{' {
		return nil, nil, newHTTPError(http.StatusBadRequest, "malformed_json", "", "the request body must be a JSON object", "请求体必须是 JSON 对象")
	}
	if !utf8.Valid(trimmed) {
		// Go's decoder would turn the bad bytes into U+FFFD, so no text check after
		// it could see them: refuse them here, naming the field they are in.
		return nil, nil, invalidUTF8(trimmed)
	}
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	var obj map[string]json.RawMessage
	if err := dec.Decode(&obj); err != nil {
		return nil, nil, malformed(err)
	}
	if dec.More() {
		return nil, nil, newHTTPError(http.StatusBadRequest, "malformed_json", "", "the body holds more than one JSON value", "请求体包含多个 JSON 值")
	}
	return obj, trimmed, nil
}

// invalidUTF8 is the error for a body that is not valid UTF-8, naming the field
// (as a dotted path) whose key or value holds the first bad byte when the JSON
// around it can be read that far.
func invalidUTF8(body []byte) error {
	off := 0
	for off < len(body) {
		r, size := utf8.DecodeRune(body[off:])
		if r == utf8.RuneError && size <= 1 {
			break
		}
		off += size
	}
	field := fieldAt(body, int64(off))
	if field == "" {
		return profile.Invalid("", "invalid_text",
			fmt.Sprintf("the request body is not valid UTF-8 text (at byte %d)", off), fmt.Sprintf("请求体含有无效的 UTF-8 字符（第 %d 字节处）", off))
	}
	return profile.Invalid(field, "invalid_text",
		fmt.Sprintf("%s is not valid UTF-8 text", fieldLabel(field).EN), fmt.Sprintf("%s含有无法识别的字符", fieldLabel(field).ZH))
}

// fieldAt returns the dotted path of the object member whose key or value spans
// byte off of body, or "" when the JSON cannot be read that far. List positions
// are left out (a bad tag in "tags" is named "tags").
func fieldAt(body []byte, off int64) string {
	type frame struct {
		object  bool
		key     string
		wantKey bool
	}
	var stack []*frame
	path := func() string {
		var parts []string
		for _, f := range stack {
			if f.object && f.key != "" {
				parts = append(parts, f.key)
			}
		}
		return strings.Join(parts, ".")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	for {
		tok, err := dec.Token()
		if err != nil {
			return ""
		}
		past := dec.InputOffset() > off
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
			stack = stack[:len(stack)-1]
			continue
		}
		if top != nil && top.object && top.wantKey {
			top.key, _ = tok.(string)
			top.wantKey = false
			if past {
				return path()
			}
			continue
		}
		if past {
			return path()
		}
		if top != nil && top.object {
			top.wantKey = true
		}
		if d, ok := tok.(json.Delim); ok {
			stack = append(stack, &frame{object: d == '{', wantKey: d == '{'})
		}
	}
}

func malformed(err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return newHTTPError(http.StatusBadRequest, "malformed_json", "",
			fmt.Sprintf("the body is not valid JSON (at byte %d)", se.Offset), fmt.Sprintf("请求体不是有效的 JSON（第 %d 字节处）", se.Offset))
	}
	return newHTTPError(http.StatusBadRequest, "malformed_json", "", "the body is not valid JSON", "请求体不是有效的 JSON")
}

// decodeInto decodes body into v, refusing unknown fields at every depth (with exact
// spelling: Go's decoder alone would accept "Name" for "name") and naming the field
// of a wrong type.
func decodeInto(body []byte, v any) error {
	if err := checkKeys(body, reflect.TypeOf(v), ""); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			field := te.Field
			l := fieldLabel(field)
			return profile.Invalid(field, "wrong_type",
				fmt.Sprintf("%s must be %s, not a JSON %s", l.EN, describe(te.Type), te.Value),
				fmt.Sprintf("%s应填%s", l.ZH, describeZH(te.Type)))
		}
		if strings.HasPrefix(err.Error(), "json: unknown field ") {
			name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
			return profile.Invalid(name, "unknown_field", fmt.Sprintf("unknown field %q", name), "请求中含有无法识别的字段，请检查填写的项目")
		}
		return malformed(err)
	}
	return nil
}

// checkKeys walks the JSON objects in body alongside the struct type t and refuses
// any key that is not exactly one of the struct's JSON names.
func checkKeys(body []byte, t reflect.Type, prefix string) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || len(body) == 0 || body[0] != '{' {
		return nil
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(body, &obj) != nil {
		return nil // the decoder reports the syntax error
	}
	fields := jsonFields(t)
	for k, raw := range obj {
		ft, ok := fields[k]
		if !ok {
			name := prefix + k
			valid := make([]string, 0, len(fields))
			for f := range fields {
				valid = append(valid, f)
			}
			sort.Strings(valid)
			return profile.Invalid(name, "unknown_field",
				fmt.Sprintf("unknown field %q; valid fields here: %s", name, strings.Join(valid, ", ")),
				"请求中含有无法识别的字段，请检查填写的项目")
		}
		if err := checkKeys(bytes.TrimSpace(raw), ft, prefix+k+"."); err != nil {
			return err
		}
	}
	return nil
}

func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		name, _, _ := strings.Cut(tag, ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = f.Type
	}
	return out
}

// requestLabels name the fields of request bodies other than profiles.
var requestLabels = map[string]profile.Label{
	"message": {ZH: "留言", EN: "Message"}, "note": {ZH: "备注", EN: "Note"}, "date": {ZH: "日期", EN: "Date"},
	"from": {ZH: "发起方", EN: "From"}, "to": {ZH: "对接对象", EN: "To"}, "email": {ZH: "邮箱", EN: "E-mail"},
	"password": {ZH: "密码", EN: "Password"}, "role": {ZH: "角色", EN: "Role"}, "districts": {ZH: "管辖区县", EN: "Districts"},
	"startup_id": {ZH: "企业", EN: "Startup"}, "keep_id": {ZH: "保留的资料", EN: "Profile kept"},
	"drop_id": {ZH: "并入的资料", EN: "Profile merged away"}, "version_keep": {ZH: "保留资料的版本号", EN: "Version of the profile kept"},
	"version_drop": {ZH: "并入资料的版本号", EN: "Version of the profile merged away"},
}

// fieldLabel names a field of a request body as a person knows it: a profile
// field by its form label, another by the table above, else by its code.
func fieldLabel(field string) profile.Label {
	if l, ok := requestLabels[field]; ok {
		return l
	}
	l, _ := profile.FieldLabel("", field)
	return l
}

func describe(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int64, reflect.Int32:
		return "a whole number"
	case reflect.Float64, reflect.Float32:
		return "a number"
	case reflect.Slice:
		return "a list"
	case reflect.Struct, reflect.Pointer, reflect.Map:
		return "an object"
	}
	return t.String()
}

func describeZH(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "文字"
	case reflect.Bool:
		return "是或否"
	case reflect.Int, reflect.Int64, reflect.Int32:
		return "整数"
	case reflect.Float64, reflect.Float32:
		return "数字"
	case reflect.Slice:
		return "若干项（列表）"
	}
	return "一组内容"
}

// bindJSON reads the body as one object and decodes it strictly into v.
func bindJSON(c *gin.Context, v any) error {
	_, body, err := readObject(c)
	if err != nil {
		return err
	}
	return decodeInto(body, v)
}
