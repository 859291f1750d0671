// gpx projects: the projects gpx prefetch registered, whose modules prune
// keeps; --forget drops one.

#include "context.hpp"
#include "project.hpp"

#include <gomod/format.hpp>

#include <filesystem>
#include <iostream>
#include <memory>

namespace gpx::cli {

namespace {

int
run_projects(const std::string& forget)
{
  if (!forget.empty()) {
    // As registered: an absolute go.mod or go.work path; a directory names
    // its go.work or go.mod.
    auto abs = std::filesystem::absolute(forget).lexically_normal();
    bool done = false;
    for (const auto& candidate : {abs, abs / "go.work", abs / "go.mod"}) {
      auto r = forget_project(candidate.string());
      if (!r) {
        return fail(r.error());
      }
      done = done || *r;
    }
    if (!done) {
      return fail(
        Error::not_found(format("{} is not a registered project", forget)),
        "'gpx projects' lists them");
    }
    std::cout << format("gpx projects: forgot {}\n", forget);
    return 0;
  }
  for (const auto& p : registered_projects()) {
    std::error_code ec;
    std::cout << p << (std::filesystem::exists(p, ec) ? "" : "   (gone)")
              << "\n";
  }
  return 0;
}

} // namespace

void
register_projects(CLI::App& app, Context& ctx)
{
  auto forget = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand(
    "projects",
    "List the projects gpx prefetch registered (prune keeps what they need)");
  cmd->add_option(
    "--forget",
    *forget,
    "stop keeping this project's modules (its directory, go.mod or go.work)");
  cmd->footer(
    "Examples:\n"
    "  gpx projects\n"
    "  gpx projects --forget ~/src/old-service");
  cmd->callback([forget, &ctx] { ctx.exit_code = run_projects(*forget); });
}

} // namespace gpx::cli
