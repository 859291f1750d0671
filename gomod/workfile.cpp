#include "workfile.hpp"

#include <gomod/format.hpp>

#include <utility>

namespace gpx::gomod::modfile {

namespace {

class WorkParser
{
public:
  WorkParser(WorkFile& file, const VersionFixer& fix)
    : m_file(file),
      m_filename(file.syntax.name),
      m_fix(fix)
  {
  }

  std::vector<ParseError>
  run()
  {
    for (const auto& stmt : m_file.syntax.stmt) {
      if (const auto* line = std::get_if<Line>(&stmt)) {
        add(
          *line, line->token[0], {line->token.begin() + 1, line->token.end()});
      } else if (const auto* block = std::get_if<LineBlock>(&stmt)) {
        const std::string& first = block->token[0];
        const bool known =
          block->token.size() == 1
          && (first == "godebug" || first == "use" || first == "replace");
        if (!known) {
          std::string verb;
          for (const auto& t : block->token) {
            verb += (verb.empty() ? "" : " ") + t;
          }
          m_errs.push_back(ParseError{
            m_filename, block->start, "", "", "unknown block type: " + verb});
          continue;
        }
        for (const auto& l : block->line) {
          add(l, block->token[0], l.token);
        }
      }
    }
    return std::move(m_errs);
  }

private:
  WorkFile& m_file;
  const std::string& m_filename;
  const VersionFixer& m_fix;
  std::vector<ParseError> m_errs;

  void
  error(const Line& line, std::string err)
  {
    m_errs.push_back(
      ParseError{m_filename, line.start, "", "", std::move(err)});
  }

  void
  add(const Line& line, const std::string& verb, std::vector<std::string> args)
  {
    if (verb == "go") {
      // Unlike a go.mod, a go.work gets no lax reading of old version forms.
      detail::parse_go(m_filename, line, args, false, m_errs, m_file.go);
    } else if (verb == "toolchain") {
      detail::parse_toolchain(m_filename, line, args, m_errs, m_file.toolchain);
    } else if (verb == "godebug") {
      detail::parse_godebug(m_filename, line, args, m_errs, m_file.godebug);
    } else if (verb == "use") {
      if (args.size() != 1) {
        return error(line, format("usage: {} local/dir", verb));
      }
      std::string path;
      std::string err;
      if (!detail::parse_string(args[0], path, err)) {
        return error(line, "invalid quoted string: " + err);
      }
      m_file.use.push_back(Use{std::move(path), line.start});
    } else if (verb == "replace") {
      detail::parse_replace(
        m_filename, line, verb, std::move(args), m_fix, m_errs, m_file.replace);
    } else {
      error(line, "unknown directive: " + verb);
    }
  }
};

} // namespace

Result<WorkFile>
parse_work(std::string_view file,
           std::string_view data,
           const VersionFixer& fix)
{
  auto syntax = parse_syntax(file, data);
  if (!syntax) {
    return syntax.error();
  }
  WorkFile f;
  f.syntax = std::move(*syntax);
  WorkParser parser(f, fix);
  auto errs = parser.run();
  if (!errs.empty()) {
    return to_error(errs);
  }
  return f;
}

} // namespace gpx::gomod::modfile
