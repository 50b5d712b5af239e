// pgstate-merge: git merge driver for SQL schema files (see lib/merge/driver.h).

#include <iostream>

#include "cli.h"
#include "git/merge_file.h"
#include "merge/driver.h"

int main(int argc, char** argv) {
  using namespace pgstate;
  return tools::RunGuarded(
      "pgstate-merge",
      [&] {
        CLI::App app{
            "Merge SQL schema files object by object (git merge driver).\n"
            "Writes the result over OURS; exit 0 clean, 1-127 conflicts, 255 failure.",
            "pgstate-merge"};
        tools::AddVersion(app);
        merge::MergeDriverOptions o;
        std::string ancestor, ours, theirs;
        bool diff3 = false, zdiff3 = false;
        app.add_option("--marker-size", o.marker_size, "conflict marker length (git's %L)")
            ->check(CLI::Range(1, 256));
        auto* al = app.add_option("--ancestor-label", ancestor, "label of the base (%S)");
        auto* ol = app.add_option("--ours-label", ours, "label of ours (%X)");
        auto* tl = app.add_option("--theirs-label", theirs, "label of theirs (%Y)");
        app.add_flag("--diff3", diff3, "show the base in conflicts (default: merge.conflictStyle)");
        app.add_flag("--zdiff3", zdiff3, "as --diff3, common lines moved out of the conflict");
        app.add_flag("-p,--stdout", o.to_stdout, "print the result instead of writing OURS");
        app.add_option("base", o.base_file, "common ancestor (%O)")->required();
        app.add_option("ours", o.ours_file, "our version, replaced by the result (%A)")->required();
        app.add_option("theirs", o.theirs_file, "their version (%B)")->required();
        app.add_option("path", o.path, "the file's path in the repository, for messages (%P)");
        try {
          app.parse(argc, argv);
        } catch (const CLI::ParseError& e) {
          return tools::ExitForParseError(app, e);
        }
        if (al->count() > 0) o.ancestor_label = ancestor;
        if (ol->count() > 0) o.ours_label = ours;
        if (tl->count() > 0) o.theirs_label = theirs;
        if (diff3) o.style = git::ConflictStyle::kDiff3;
        if (zdiff3) o.style = git::ConflictStyle::kZdiff3;

        merge::DriverOutcome r = merge::RunMergeDriver(o);
        for (const std::string& w : r.warnings)
          std::cerr << "pgstate-merge: warning: " << w << "\n";
        if (r.error) std::cerr << "pgstate-merge: error: " << r.error->ToString() << "\n";
        std::cout << r.stdout_text;
        return r.exit_code;
      },
      core::kMergeExitCannotMerge);
}
