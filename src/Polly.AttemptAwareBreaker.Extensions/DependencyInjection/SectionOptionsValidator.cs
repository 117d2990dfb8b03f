using Microsoft.Extensions.Options;

namespace Polly.AttemptAwareBreaker.DependencyInjection;

/// <summary>
/// Validates bound breaker options at start-up and on every reload, naming each invalid setting by its configuration key.
/// </summary>
internal sealed class SectionOptionsValidator<TOptions>(string optionsName, string sectionPath, Action<TOptions, Func<string, string>, List<string>> validate)
    : IValidateOptions<TOptions>
    where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        if (!string.Equals(name, optionsName, StringComparison.Ordinal))
        {
            return ValidateOptionsResult.Skip;
        }

        var errors = new List<string>();
        validate(options, relative => relative.Length == 0 ? sectionPath : $"{sectionPath}:{relative}", errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
