// gpx mod hash: the go.sum hash of a go.mod file.

#include "context.hpp"

#include <gomod/dirhash.hpp>
#include <gomod/format.hpp>

#include <nlohmann/json.hpp>

#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

namespace gpx::cli {

namespace {

struct ModOptions
{
  std::string file;
  bool json = false;
};

int
run_hash(const ModOptions& o)
{
  std::ifstream in(o.file, std::ios::binary);
  if (!in) {
    return fail(Error::io(format("{}: cannot open file", o.file)));
  }
  std::ostringstream data;
  data << in.rdbuf();
  if (in.bad()) {
    return fail(Error::io(format("{}: read error", o.file)));
  }
  auto h = gomod::dirhash::hash_go_mod(data.str());
  if (o.json) {
    std::cout << nlohmann::json{{"file", o.file}, {"h1", h}}.dump() << "\n";
  } else {
    std::cout << h << "\n";
  }
  return 0;
}

} // namespace

void
register_mod(CLI::App& app, Context& ctx)
{
  auto o = std::make_shared<ModOptions>();
  auto* mod = app.add_subcommand("mod", "go.mod plumbing");
  mod->require_subcommand(1);
  mod->footer(
    "Example:\n"
    "  gpx mod hash go.mod\n"
    "\nRun 'gpx help mod hash' for more.");
  auto* hash = mod->add_subcommand(
    "hash", "Print a go.mod's h1: hash (the /go.mod line of go.sum)");
  hash->add_option("FILE", o->file, "the go.mod file")
    ->required()
    ->check(CLI::ExistingFile);
  hash->add_flag("--json", o->json, "print {\"file\":…,\"h1\":…}");
  hash->footer(
    "Example:\n"
    "  gpx mod hash go.mod          # h1:…, as in 'MODULE VERSION/go.mod "
    "h1:…'");
  hash->callback([o, &ctx] { ctx.exit_code = run_hash(*o); });
}

} // namespace gpx::cli
