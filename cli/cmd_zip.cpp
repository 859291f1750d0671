// gpx zip create|check|hash: module zip plumbing for scripts and tests.

#include "context.hpp"

#include <gomod/dirhash.hpp>
#include <gomod/format.hpp>
#include <gomod/zip.hpp>

#include <nlohmann/json.hpp>

#include <iostream>
#include <memory>

namespace fs = std::filesystem;

namespace gpx::cli {

namespace {

struct ZipOptions
{
  std::string module_version;
  std::string dir;
  std::string out;
  std::string file;
  bool json = false;
};

nlohmann::json
to_json(const gomod::zip::CheckedFiles& cf)
{
  auto errors = [](const std::vector<gomod::zip::FileError>& list) {
    auto a = nlohmann::json::array();
    for (const auto& fe : list) {
      a.push_back({{"path", fe.path}, {"error", fe.error}});
    }
    return a;
  };
  nlohmann::json j;
  j["valid"] = cf.valid;
  j["omitted"] = errors(cf.omitted);
  j["invalid"] = errors(cf.invalid);
  if (!cf.size_error.empty()) {
    j["size_error"] = cf.size_error;
  }
  return j;
}

int
run_create(const ZipOptions& o)
{
  auto m = parse_module_version(o.module_version);
  if (!m) {
    return fail(m.error());
  }
  if (auto ok = gomod::zip::create_from_dir(o.out, *m, o.dir); !ok) {
    return fail(ok.error().wrap(m->str()));
  }
  return 0;
}

int
run_check(const ZipOptions& o)
{
  auto m = parse_module_version(o.module_version);
  if (!m) {
    return fail(m.error());
  }
  auto cf = gomod::zip::check_zip(*m, o.file);
  if (!cf) {
    return fail(cf.error().wrap(o.file));
  }
  if (o.json) {
    std::cout << to_json(*cf).dump(2) << "\n";
  }
  if (auto ok = cf->err(); !ok) {
    return fail(ok.error().wrap(o.file));
  }
  return 0;
}

int
run_hash(const ZipOptions& o)
{
  auto h = gomod::dirhash::hash_zip(o.file);
  if (!h) {
    return fail(h.error().wrap(o.file));
  }
  if (o.json) {
    std::cout << nlohmann::json{{"file", o.file}, {"h1", *h}}.dump() << "\n";
  } else {
    std::cout << *h << "\n";
  }
  return 0;
}

} // namespace

void
register_zip(CLI::App& app, Context& ctx)
{
  auto o = std::make_shared<ZipOptions>();
  auto* zip = app.add_subcommand("zip", "Create, check and hash module zips");
  zip->require_subcommand(1);
  zip->footer(
    "Examples:\n"
    "  gpx zip create example.com/lib/v2@v2.1.0 ./lib -o lib.zip\n"
    "  gpx zip check rsc.io/quote@v1.5.2 v1.5.2.zip\n"
    "  gpx zip hash v1.5.2.zip\n"
    "\nRun 'gpx help zip COMMAND' for more.");

  auto* create =
    zip->add_subcommand("create", "Create a module zip from a directory");
  create
    ->add_option("MODULE@VERSION", o->module_version, "module path and version")
    ->required();
  create->add_option("DIR", o->dir, "the module's root directory")
    ->required()
    ->check(CLI::ExistingDirectory)
    ->type_name("DIR");
  create->add_option("-o,--output", o->out, "where to write the zip")
    ->required()
    ->type_name("FILE");
  create->footer(
    "Applies the rules of golang.org/x/mod/zip: VCS directories, nested "
    "modules,\n"
    "vendored packages and non-regular files are left out.\n\n"
    "Example:\n"
    "  gpx zip create example.com/lib/v2@v2.1.0 ./lib -o lib.zip");
  create->callback([o, &ctx] { ctx.exit_code = run_create(*o); });

  auto* check = zip->add_subcommand(
    "check", "Check a module zip against the module zip rules");
  check
    ->add_option("MODULE@VERSION", o->module_version, "module path and version")
    ->required();
  check->add_option("FILE", o->file, "the zip to check")
    ->required()
    ->check(CLI::ExistingFile);
  check->add_flag(
    "--json", o->json, "print valid, omitted and invalid files as JSON");
  check->footer(
    "Exits 1 with one line naming the first file that breaks a rule, and the\n"
    "rule; --json lists every file.\n\n"
    "Example:\n"
    "  gpx zip check rsc.io/quote@v1.5.2 v1.5.2.zip");
  check->callback([o, &ctx] { ctx.exit_code = run_check(*o); });

  auto* hash = zip->add_subcommand(
    "hash", "Print a module zip's h1: hash, as go.sum records it");
  hash->add_option("FILE", o->file, "the zip to hash")
    ->required()
    ->check(CLI::ExistingFile);
  hash->add_flag("--json", o->json, "print {\"file\":…,\"h1\":…}");
  hash->footer(
    "Example:\n"
    "  gpx zip hash v1.5.2.zip      # h1:…, the first go.sum line of the "
    "version");
  hash->callback([o, &ctx] { ctx.exit_code = run_hash(*o); });
}

} // namespace gpx::cli
