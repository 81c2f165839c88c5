package api

import "fuhua/internal/profile"

// routes lists every route of the API.
func (s *Server) routes() {
	e := s.engine
	e.GET("/healthz", s.handle(s.healthz))
	e.GET("/readyz", s.handle(s.readyz))
	e.GET("/metrics", s.handle(s.serveMetrics))

	v1 := e.Group("/api/v1")
	v1.POST("/auth/register", s.handle(s.register))
	v1.POST("/auth/login", s.handle(s.login))
	v1.GET("/openapi.json", s.handle(s.openAPI))

	in := v1.Group("", s.authenticate())
	in.GET("/me", s.handle(s.me))
	in.POST("/auth/logout", s.handle(s.logout))
	in.POST("/users", s.handle(s.createUser))
	in.GET("/search", s.handle(s.search))
	in.GET("/chains", s.handle(s.chainList))
	in.GET("/chains/:code", s.handle(s.chainDetail))
	for _, k := range profile.Kinds {
		g := in.Group("/" + k.Path())
		g.POST("", s.idempotent(), s.handle(s.createProfile(k)))
		g.GET("", s.handle(s.listProfiles(k)))
		g.GET("/:id", s.handle(s.getProfile(k)))
		g.PATCH("/:id", s.handle(s.patchProfile(k)))
		g.DELETE("/:id", s.handle(s.archiveProfile(k)))
		g.GET("/:id/matches", s.handle(s.matches(k)))
		g.GET("/:id/ask", s.handle(s.ask(k)))
	}

	// Introductions and account security (issue 4).
	s.introRoutes(in)
	s.securityRoutes(in)

	// Plan monitoring, tech-SME readiness, spreadsheet import and export (issue 5).
	s.sheetRoutes(in)
	// The district manager's roster (issue 10).
	s.rosterRoutes(in)

	// Brokered rounds (issue 13).
	s.roundRoutes(in)
	// Policy matching (issue 13).
	s.policyRoutes(in)
	// Carrier evaluation (issue 12).
	s.evaluationRoutes(in)
	s.relayRoutes(in)
	// Notifications, saved searches, asking from any profile, deal flow (issue 10).
	s.noteRoutes(in)
	s.savedRoutes(in)
	in.GET("/investors/:id/dealflow", s.handle(s.dealflow))
	// Duplicates merged (issue 12, part 6).
	s.mergeRoutes(in)

	s.webRoutes() // the web pages: /, /app/*, /static/* (package web)
}
