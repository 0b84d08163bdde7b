import ArgumentParser
import EdgeSegImport
import EdgeSegRuntime

/// `edgeseg fetch REPO_ID`: downloads a SegFormer checkpoint from the Hugging Face hub into the cache.
struct FetchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fetch",
        abstract: "Download config.json and model.safetensors of a SegFormer from the Hugging Face hub.",
        discussion: """
            Files go to $XDG_CACHE_HOME/edgeseg/hub/OWNER--NAME/REVISION (default ~/.cache/edgeseg/hub/...) \
            or to --to DIR; files already there are not downloaded again. Prints the folder, which other \
            commands take as a model. HF_ENDPOINT sets another hub or mirror, HF_TOKEN the access token \
            for gated or private repos.
            """
    )

    @Argument(help: "The hub repo id, e.g. nvidia/segformer-b0-finetuned-ade-512-512.")
    var repoID: String

    @Option(help: "Branch, tag or commit.")
    var revision: String = "main"

    @Option(name: .customLong("to"), help: "Download into this folder instead of the cache.")
    var directory: String?

    func run() throws {
        let hub = HubClient.fromEnvironment()
        let folder = try reportingErrors { () throws(EdgeSegError) in
            try hub.fetch(repo: repoID, revision: revision, to: directory)
        }
        print(folder)
    }
}
