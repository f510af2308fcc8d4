namespace VMPlant.Actors;
