using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace Polly.AttemptAwareBreaker;

/// <summary>
/// A <see cref="RangeAttribute"/> whose error message names the property, the rejected value and the allowed range.
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false)]
internal sealed class ValueRangeAttribute : RangeAttribute
{
    public ValueRangeAttribute(int minimum, int maximum)
        : base(minimum, maximum)
    {
    }

    public ValueRangeAttribute(double minimum, double maximum)
        : base(minimum, maximum)
    {
    }

#pragma warning disable IL2026, IL2067 // Used only with TimeSpan, whose converter is always preserved.
    public ValueRangeAttribute(Type type, string minimum, string maximum)
        : base(type, minimum, maximum)
    {
    }
#pragma warning restore IL2026, IL2067

    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext)
    {
        if (IsValid(value))
        {
            return ValidationResult.Success;
        }

        // DisplayName is never null (it falls back to the validated type's name), so there is always a member to name.
        var member = validationContext.MemberName ?? validationContext.DisplayName;
        var message = string.Format(
            CultureInfo.InvariantCulture,
            "{0} is {1}; the allowed range is {2} to {3} (inclusive).",
            member,
            Format(value),
            Format(Minimum),
            Format(Maximum));

        return new ValidationResult(message, [member]);
    }

    /// <summary>Formats a limit or a rejected value (never <see langword="null"/>: the range accepts it) in the invariant culture.</summary>
    private static string Format(object? value)
        => value is int.MaxValue ? "int.MaxValue" : string.Format(CultureInfo.InvariantCulture, "{0}", value);
}
