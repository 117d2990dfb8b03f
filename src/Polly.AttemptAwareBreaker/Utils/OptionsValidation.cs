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
#pragma warning restore IL2026
}
