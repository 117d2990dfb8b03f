using System.ComponentModel.DataAnnotations;
using System.Text;

namespace Polly.AttemptAwareBreaker;

internal static class OptionsValidation
{
    /// <summary>
    /// Validates the data-annotation attributes of <paramref name="options"/> and throws one <see cref="ValidationException"/> listing every error.
    /// </summary>
#pragma warning disable IL2026 // Options types keep their public properties.
    public static void Validate(object options, string description)
    {
        var errors = new List<ValidationResult>();
        if (Validator.TryValidateObject(options, new ValidationContext(options), errors, validateAllProperties: true))
        {
            return;
        }

        var message = new StringBuilder($"The '{description}' are invalid.");
        message.AppendLine();
        message.AppendLine("Validation Errors:");
        foreach (var error in errors)
        {
            message.AppendLine(error.ErrorMessage);
        }

        throw new ValidationException(message.ToString());
    }

    /// <summary>
    /// Validates <paramref name="options"/> against its attributes and adds one message per error, each naming the setting by its
    /// configuration key (<paramref name="key"/>, then <c>:Member</c>), for start-up validation of bound options.
    /// </summary>
    public static void CollectErrors(object? options, string key, List<string> errors)
    {
        if (options is null)
        {
            errors.Add($"{key} is null; it is required.");
            return;
        }

        var results = new List<ValidationResult>();
        if (Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
        {
            return;
        }

        foreach (var result in results)
        {
            // A nested option (AdaptiveThrottling.Multiplier) is the configuration key AdaptiveThrottling:Multiplier.
            var member = result.MemberNames.FirstOrDefault()?.Replace('.', ':');
            var text = result.ErrorMessage ?? "is invalid.";
            if (member is not null && member.Contains(':') && text.StartsWith(member.Replace(':', '.'), StringComparison.Ordinal))
            {
                text = member + text.Substring(member.Length);
            }

            errors.Add(member is null ? $"{key}: {text}"
                : text.StartsWith(member, StringComparison.Ordinal) ? $"{key}:{text}"
                : $"{key}:{member}: {text}");
        }
    }
#pragma warning restore IL2026
}
