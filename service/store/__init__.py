"""Persistence shared by the service's stores."""
