package api

import (
	_ "embed"
	"net/http"

	"github.com/gin-gonic/gin"
)

// openAPIDocument is the OpenAPI 3 description of this API, written by hand. The
// API tests validate every response they receive against it (openapi_test.go),
// so a route or a response shape the code changes without the document fails
// there. A new route: add its path under "paths" (templates in {braces}), its
// success statuses and their schemas; errors share components/responses/Error.
//
//go:embed openapi.json
var openAPIDocument []byte

// OpenAPI returns the OpenAPI 3 document GET /api/v1/openapi.json serves.
func OpenAPI() []byte { return append([]byte(nil), openAPIDocument...) }

// openAPI answers GET /api/v1/openapi.json: no sign-in needed, it describes the
// API, not its data.
func (s *Server) openAPI(c *gin.Context) error {
	c.Data(http.StatusOK, "application/json; charset=utf-8", openAPIDocument)
	return nil
}
