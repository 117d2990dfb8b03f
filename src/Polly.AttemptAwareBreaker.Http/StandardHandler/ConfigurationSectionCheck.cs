using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace Polly.AttemptAwareBreaker.Http;

/// <summary>
/// Checks a configuration section against the options it is bound to, before binding: a key that names no setting, or a value that
/// cannot be read as its setting's type, fails with one line per problem naming the full key and what is allowed. (The configuration
/// binder would fail too, but name only the property and the type it was bound on, or the target type of a value.)
/// </summary>
/// <remarks>
/// A setting is a public property that configuration can set: a value (number, enum, <see cref="TimeSpan"/>, text, flag, or a nullable
/// one) with a public setter, or an object (such as <c>Retry:RetryBudget</c>) that has settings of its own. Delegates, interfaces and
/// objects without settings (state providers, registries) are set in code, not in configuration.
/// </remarks>
internal static class ConfigurationSectionCheck
{
    private const DynamicallyAccessedMemberTypes Properties = DynamicallyAccessedMemberTypes.PublicProperties;

    private const string Walked = "Only options types the configuration binder's source generator binds are walked; the generated binder uses "
        + "their properties, so trimming keeps them, and a property trimmed away would not be bound either.";

    /// <summary>Throws an <see cref="InvalidOperationException"/> naming every unknown key and unreadable value of <paramref name="section"/>.</summary>
    public static void ThrowIfInvalid<[DynamicallyAccessedMembers(Properties)] TOptions>(IConfigurationSection section)
    {
        var errors = new List<string>();
        Check(section, typeof(TOptions), errors);
        if (errors.Count > 0)
        {
            throw new InvalidOperationException(string.Join(" ", errors));
        }
    }

    [UnconditionalSuppressMessage("Trimming", "IL2072", Justification = Walked)]
    private static void Check(IConfigurationSection section, [DynamicallyAccessedMembers(Properties)] Type type, List<string> errors)
    {
        var settings = Settings(type);
        foreach (var child in section.GetChildren())
        {
            var setting = settings.FirstOrDefault(p => string.Equals(p.Name, child.Key, StringComparison.OrdinalIgnoreCase));
            if (setting is null)
            {
                errors.Add($"{child.Path} is not a setting; the settings under {section.Path} are {string.Join(", ", settings.Select(p => p.Name))}.");
                continue;
            }

            var target = Nullable.GetUnderlyingType(setting.PropertyType) ?? setting.PropertyType;
            if (!IsValue(target))
            {
                Check(child, target, errors);
            }
            else if (child.Value is { Length: > 0 } value)
            {
                CheckValue(child.Path, value, target, errors);
            }
            else if (child.GetChildren().Any())
            {
                errors.Add($"{child.Path} takes a single value, not a section.");
            }
        }
    }

    private static void CheckValue(string key, string value, Type type, List<string> errors)
    {
        var allowed = type switch
        {
            _ when type.IsEnum => Enum.TryParse(type, value, ignoreCase: true, out _) ? null : $"one of {string.Join(", ", Enum.GetNames(type))}",
            _ when type == typeof(bool) => bool.TryParse(value, out _) ? null : "true or false",
            _ when type == typeof(int) => int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _) ? null : "a whole number",
            _ when type == typeof(long) => long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _) ? null : "a whole number",
            _ when type == typeof(double) => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _) ? null : "a number such as 0.5",
            _ when type == typeof(TimeSpan) => TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out _)
                ? null
                : "a duration as [days.]hours:minutes:seconds[.fraction], such as 00:00:30 or 1.00:00:00",
            _ => null,
        };

        if (allowed is not null)
        {
            errors.Add($"{key} is '{value}'; it must be {allowed}.");
        }
    }

    [UnconditionalSuppressMessage("Trimming", "IL2072", Justification = Walked)]
    private static List<PropertyInfo> Settings([DynamicallyAccessedMembers(Properties)] Type type)
        => type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && p.GetMethod?.IsPublic == true && IsSetting(p))
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .ToList();

    [UnconditionalSuppressMessage("Trimming", "IL2072", Justification = Walked)]
    private static bool IsSetting(PropertyInfo property)
    {
        var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        if (IsValue(type))
        {
            return property.SetMethod?.IsPublic == true;
        }

        return type.IsClass && !type.IsAbstract && !typeof(Delegate).IsAssignableFrom(type) && Settings(type).Count > 0;
    }

    private static bool IsValue(Type type)
        => type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan)
        || type == typeof(DateTime) || type == typeof(DateTimeOffset) || type == typeof(Guid) || type == typeof(Uri);
}
