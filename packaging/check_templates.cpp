// Compiled, never run: the generated header must stay valid C++ and keep
// the placeholders the CLI will replace.
#include "gpx_unit_templates.hpp"

namespace {

constexpr bool
has(std::string_view text, std::string_view placeholder)
{
  return text.find(placeholder) != std::string_view::npos;
}

static_assert(has(gpx::packaging::k_systemd_socket,
                  "ListenStream=@GPX_LISTEN@"));
static_assert(has(gpx::packaging::k_systemd_service,
                  "ExecStart=@GPX_BIN@ agent run"));
static_assert(has(gpx::packaging::k_launchd_plist,
                  "<string>@GPX_BIN@</string>"));
static_assert(has(gpx::packaging::k_launchd_plist, "@GPX_LOG_DIR@"));

} // namespace
