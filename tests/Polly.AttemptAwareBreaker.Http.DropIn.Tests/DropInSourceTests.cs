using System.Text.RegularExpressions;

namespace StandardHandlerDropIn;

/// <summary>
/// The twin configurations in <see cref="DocumentedConfigurations"/> stay twins: each block written for Microsoft's handler equals the
/// block written for this library once the call's name is swapped, so the behaviour tests really run one piece of code on both handlers.
/// </summary>
public partial class DropInSourceTests
{
    [Theory]
    [InlineData("transient-faults")]
    [InlineData("chosen-status-codes")]
    [InlineData("every-other-setting")]
    public void DocumentedConfigurations_TwinBlocks_DifferOnlyInTheCallName(string block)
    {
        var source = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "DocumentedConfigurations.cs"));
        var twins = Regex.Matches(source, $@"// <{block}>\s*\n(?<code>.*?)// </{block}>", RegexOptions.Singleline)
            .Select(m => m.Groups["code"].Value)
            .ToList();

        Assert.Equal(2, twins.Count);
        Assert.Contains(".AddStandardResilienceHandler(", twins[0], StringComparison.Ordinal);
        Assert.Contains(".AddAttemptAwareResilienceHandler(", twins[1], StringComparison.Ordinal);
        Assert.Equal(Normalized(twins[1]), Normalized(twins[0].Replace("AddStandardResilienceHandler", "AddAttemptAwareResilienceHandler", StringComparison.Ordinal)));
    }

    private static string Normalized(string code) => Indentation().Replace(code.ReplaceLineEndings("\n"), string.Empty);

    [GeneratedRegex(@"^[ \t]+", RegexOptions.Multiline)]
    private static partial Regex Indentation();
}
