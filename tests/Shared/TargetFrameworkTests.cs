using System.Reflection;
using System.Runtime.Versioning;

namespace Polly.AttemptAwareBreaker.Tests.Shared;

/// <summary>
/// Linked into every test project. Each project runs once per target framework (net10.0, and net8.0 self-contained), and the
/// core suite once more against the core's netstandard2.0 build. These tests fail when a run quietly tests something else than it
/// claims: a net8.0 build rolled forward onto a newer runtime, or a package assembly built for another framework than the run covers.
/// </summary>
public class TargetFrameworkTests
{
    private static readonly Assembly TestAssembly = typeof(TargetFrameworkTests).Assembly;

    [Fact]
    public void Runtime_OfThisRun_IsTheOneItsTargetFrameworkNames()
        => Assert.Equal(FrameworkOf(TestAssembly).Version.Major, Environment.Version.Major);

    [Fact]
    public void ProjectAssemblies_LoadedByThisRun_AreTheirBuildsForItsTargetFramework()
    {
        var loaded = TestAssembly.GetReferencedAssemblies()
            .Where(name => name.Name!.StartsWith("Polly.AttemptAwareBreaker", StringComparison.Ordinal))
            .Select(name => (Name: name.Name!, Framework: FrameworkOf(Assembly.Load(name)).FullName))
            .ToList();

        Assert.NotEmpty(loaded);
        Assert.All(loaded, assembly => Assert.Equal((assembly.Name, ExpectedFramework(assembly.Name)), assembly));
    }

#if CORE_NETSTANDARD2_0
    private static string ExpectedFramework(string assembly)
        => assembly == "Polly.AttemptAwareBreaker" ? ".NETStandard,Version=v2.0" : FrameworkOf(TestAssembly).FullName;
#else
    private static string ExpectedFramework(string assembly) => FrameworkOf(TestAssembly).FullName;
#endif

    private static FrameworkName FrameworkOf(Assembly assembly)
        => new(assembly.GetCustomAttribute<TargetFrameworkAttribute>()!.FrameworkName);
}
