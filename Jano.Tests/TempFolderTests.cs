namespace Jano.Tests;

/// <summary>Base of test classes whose every test gets a fresh temporary folder (<see cref="Folder"/>), deleted after it.</summary>
public abstract class TempFolderTests
{
    private TempFolder? _folder;

    internal TempFolder Folder => _folder ?? throw new InvalidOperationException("the folder exists only while a test runs");

    [SetUp]
    public void CreateFolder() => _folder = new TempFolder();

    [TearDown]
    public void DeleteFolder()
    {
        _folder?.Dispose();
        _folder = null;
    }
}
