using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Polly.AttemptAwareBreaker.Http;

namespace Polly.AttemptAwareBreaker.OutageSimulator;

/// <summary>
/// The <c>from-config</c> row: a section of the user's configuration file bound into the options of <c>AddAttemptAwareResilienceHandler</c>
/// by the handler's own registration (the same checks, validation and messages as at the application's start-up), and run with the
/// pipeline the handler builds from those options. Scenarios apply to it what they apply to every row with the handler's pipeline.
/// </summary>
internal static class FromConfigRow
{
    public const string Name = "from-config";

    /// <summary>
    /// Reads <paramref name="sectionPath"/> of the JSON file <paramref name="path"/> and validates it at once; throws a
    /// <see cref="SimulatorInputException"/> with one line naming the file, the section or the key and what is allowed.
    /// </summary>
    public static SimulatorRow Load(string path, string sectionPath)
    {
        var configuration = Read(path);
        var section = Find(configuration, path, sectionPath);

        _ = Bind(section); // every scenario binds its own copy; this one only stops a bad value before any scenario runs
        return new SimulatorRow(Name, (builder, settings) => Configurations.AttemptAwareHandler(builder, settings, Bind(section)));
    }

    /// <summary>Binds and validates a fresh copy of the options, through the handler's registration as an application's start-up does.</summary>
    private static HttpAttemptAwareResilienceOptions Bind(IConfigurationSection section)
    {
        var services = new ServiceCollection();
        var handler = services.AddHttpClient(Name).AddAttemptAwareResilienceHandler(section);
        using var provider = services.BuildServiceProvider();
        try
        {
            return provider.GetRequiredService<IOptionsMonitor<HttpAttemptAwareResilienceOptions>>().Get(handler.PipelineName);
        }
        catch (OptionsValidationException ex)
        {
            throw new SimulatorInputException(OneLine(string.Join(" ", ex.Failures)));
        }
        catch (InvalidOperationException ex)
        {
            throw new SimulatorInputException(OneLine(ex.Message));
        }
    }

    private static IConfigurationRoot Read(string path)
    {
        var fullPath = Path.GetFullPath(path);
        if (!File.Exists(fullPath))
        {
            throw new SimulatorInputException($"--config {path}: there is no file {fullPath}; give the path of a JSON configuration file such as appsettings.json.");
        }

        try
        {
            using var file = File.OpenRead(fullPath);
            return new ConfigurationBuilder().AddJsonStream(file).Build();
        }
        catch (Exception ex) when (ex is FormatException or InvalidDataException or System.Text.Json.JsonException)
        {
            throw new SimulatorInputException($"--config {path}: the file is not a JSON configuration file: {OneLine((ex.InnerException ?? ex).Message)}");
        }
    }

    /// <summary>
    /// Returns the section at <paramref name="sectionPath"/>, which may be empty (the handler's defaults, as at start-up); throws naming the
    /// sections that exist where it was looked for when it is not in the file.
    /// </summary>
    private static IConfigurationSection Find(IConfigurationRoot configuration, string path, string sectionPath)
    {
        IConfiguration parent = configuration;
        var parentPath = string.Empty;
        foreach (var key in sectionPath.Split(ConfigurationPath.KeyDelimiter))
        {
            // An empty object ({}) is listed among its parent's children although it does not "exist" as a value or a parent.
            var children = parent.GetChildren().ToList();
            if (children.Find(c => string.Equals(c.Key, key, StringComparison.OrdinalIgnoreCase)) is not { } child)
            {
                var where = parentPath.Length == 0 ? "the file's top-level keys are" : $"the keys under {parentPath} are";
                throw new SimulatorInputException(children.Count == 0
                    ? $"--section {sectionPath}: {path} has no such section, and {(parentPath.Length == 0 ? "the file" : parentPath)} has no keys at all."
                    : $"--section {sectionPath}: {path} has no such section; {where} {string.Join(", ", children.Select(c => c.Key))}.");
            }

            parent = child;
            parentPath = child.Path;
        }

        var section = (IConfigurationSection)parent;
        if (section.Value is { Length: > 0 } value)
        {
            throw new SimulatorInputException($"--section {sectionPath}: in {path} it is a value ('{value}'), not a section holding the handler's options.");
        }

        return section;
    }

    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
