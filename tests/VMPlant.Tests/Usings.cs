namespace VMPlant.Tests;
