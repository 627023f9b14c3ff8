"""Chapter 06: answer with JSON: a dict of movies, one picked at random, one looked up by id."""

import random

from flask import Flask, jsonify

MOVIES = {1: "Toy story", 2: "The Raid", 3: "Hero", 4: "Ip Man", 5: "Kung Fu Panda"}


def create_app(test_config=None):
    """Create the movies app; ``test_config`` overrides its settings in tests."""
    app = Flask(__name__)
    # A fixed seed makes the "random" picks repeat from a fresh app, so a recorded notebook
    # and `curl` after `flask run` give the same answers every time. None seeds from the OS.
    app.config.from_mapping(MOVIE_SEED=1)
    if test_config:
        app.config.from_mapping(test_config)
    # One generator per app, not the global `random`: nothing else can disturb its sequence.
    picker = random.Random(app.config["MOVIE_SEED"])

    @app.get("/movies")
    def movies():
        """Return every movie; Flask turns a dict into a JSON object."""
        return MOVIES

    @app.get("/rmovie")
    def random_movie():
        """Return one movie as an ``[id, title]`` array."""
        # A tuple returned bare would be read as (body, status); jsonify makes it a JSON array.
        return jsonify(picker.choice(list(MOVIES.items())))

    @app.get("/movies/<int:movie_id>")
    def movie(movie_id):
        """Return one movie by id, or a JSON error with status 404."""
        if movie_id not in MOVIES:
            return {"error": f"no movie with id {movie_id}"}, 404
        return {"id": movie_id, "title": MOVIES[movie_id]}

    return app


app = create_app()
